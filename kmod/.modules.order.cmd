cmd_/work/main/kmod/modules.order := {   echo /work/main/kmod/kvti.ko; :; } > /work/main/kmod/modules.order
