cmd_/work/main/kmod/kvti.o := ld -m elf_x86_64 -z noexecstack --no-warn-rwx-segments   -r -o /work/main/kmod/kvti.o @/work/main/kmod/kvti.mod 
