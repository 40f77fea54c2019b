#include <linux/module.h>
#define INCLUDE_VERMAGIC
#include <linux/build-salt.h>
#include <linux/elfnote-lto.h>
#include <linux/export-internal.h>
#include <linux/vermagic.h>
#include <linux/compiler.h>

BUILD_SALT;
BUILD_LTO_INFO;

MODULE_INFO(vermagic, VERMAGIC_STRING);
MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
#ifdef CONFIG_MODULE_UNLOAD
	.exit = cleanup_module,
#endif
	.arch = MODULE_ARCH_INIT,
};

#ifdef CONFIG_RETPOLINE
MODULE_INFO(retpoline, "Y");
#endif


static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0x609b4f90, "dev_set_mtu" },
	{ 0x6e720ff2, "rtnl_unlock" },
	{ 0x8d522714, "__rcu_read_lock" },
	{ 0x85670f1d, "rtnl_is_locked" },
	{ 0x9b489671, "nla_put_64bit" },
	{ 0x48d88a2c, "__SCT__preempt_schedule" },
	{ 0x53569707, "this_cpu_off" },
	{ 0xc2fadfde, "rtnl_link_register" },
	{ 0xffcbde5b, "genlmsg_put" },
	{ 0x37a0cba, "kfree" },
	{ 0x8fa5a1b1, "ip_route_output_flow" },
	{ 0x76c1878f, "unregister_netdevice_queue" },
	{ 0xb19a5453, "__per_cpu_offset" },
	{ 0x68a691a8, "__dev_get_by_name" },
	{ 0xcbd4898c, "fortify_panic" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0x65487097, "__x86_indirect_thunk_rax" },
	{ 0x82061d95, "alloc_netdev_mqs" },
	{ 0x92997ed8, "_printk" },
	{ 0xe6d2458e, "do_trace_netlink_extack" },
	{ 0xa19b956, "__stack_chk_fail" },
	{ 0xf0906b73, "netlink_broadcast" },
	{ 0x33a6677b, "ip6_route_output_flags" },
	{ 0xa916b694, "strnlen" },
	{ 0x1eb9ab54, "__alloc_skb" },
	{ 0xaf793668, "__alloc_percpu_gfp" },
	{ 0x68f31cbd, "__list_add_valid" },
	{ 0x5002d5e7, "__dev_get_by_index" },
	{ 0x3b655e77, "rtnl_link_unregister" },
	{ 0x2469810f, "__rcu_read_unlock" },
	{ 0xaaf159ae, "ip6_mtu" },
	{ 0xc9119dac, "netlink_unicast" },
	{ 0xed89811, "kfree_skb_reason" },
	{ 0x1468be11, "nla_put" },
	{ 0x4ac64954, "free_netdev" },
	{ 0x62849ac7, "dev_valid_name" },
	{ 0x53a1e8d9, "_find_next_bit" },
	{ 0xc1213298, "unregister_pernet_device" },
	{ 0xe1537255, "__list_del_entry_valid" },
	{ 0x3c3fce39, "__local_bh_enable_ip" },
	{ 0x9fdecc31, "unregister_netdevice_many" },
	{ 0x9e683f75, "__cpu_possible_mask" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0xf1db1704, "nla_memcpy" },
	{ 0x17de3d5, "nr_cpu_ids" },
	{ 0x77c2be96, "skb_trim" },
	{ 0xc9ec4e21, "free_percpu" },
	{ 0x4629334c, "__preempt_count" },
	{ 0xbaf22757, "kvfree_call_rcu" },
	{ 0x94486cab, "ipv4_mtu" },
	{ 0x66b4cc41, "kmemdup" },
	{ 0x56470118, "__warn_printk" },
	{ 0x60ec6dea, "netif_carrier_off" },
	{ 0x8d9a7d6e, "dst_release" },
	{ 0xc7a4fbed, "rtnl_lock" },
	{ 0xab93a5c2, "genl_unregister_family" },
	{ 0x606e9d01, "kmalloc_trace" },
	{ 0x60a13e90, "rcu_barrier" },
	{ 0x9ec07055, "genl_register_family" },
	{ 0xe784202e, "netlink_has_listeners" },
	{ 0x97a27ebb, "register_pernet_device" },
	{ 0x7a7caba8, "kmalloc_caches" },
	{ 0x63f19d79, "register_netdevice" },
	{ 0x9060323f, "module_layout" },
};

MODULE_INFO(depends, "");

