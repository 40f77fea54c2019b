/work/main/kmod/main.o
/work/main/kmod/device.o
/work/main/kmod/netlink.o
