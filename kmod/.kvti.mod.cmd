cmd_/work/main/kmod/kvti.mod := printf '%s\n'   main.o device.o netlink.o | awk '!x[$$0]++ { print("/work/main/kmod/"$$0) }' > /work/main/kmod/kvti.mod
