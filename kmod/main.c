// SPDX-License-Identifier: GPL-2.0
/*
 * kvti - route-based IPsec virtual tunnel interfaces: module init and exit.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

#include "kvti.h"

static int __init kvti_init(void)
{
	int err;

	err = kvti_sa_init();
	if (err)
		return err;
	err = kvti_device_init();
	if (err)
		goto err_sa;
	err = kvti_netlink_init();
	if (err)
		goto err_device;
	err = kvti_esp_init();
	if (err)
		goto err_netlink;
	pr_info("kvti: IPsec virtual tunnel interfaces, genl family %s v%d\n",
		KVTI_GENL_NAME, KVTI_GENL_VERSION);
	return 0;

err_netlink:
	kvti_netlink_exit();
err_device:
	kvti_device_exit();
err_sa:
	kvti_sa_exit();
	return err;
}

/*
 * Unloading runs in this order so that no step can race a later one: stop
 * taking ESP, stop creating tunnels, delete every tunnel in every namespace
 * (their SAs go with them and their DEL events still go out on the family;
 * unregistration waits until no packet holds an SA), remove the family,
 * then drain RCU callbacks and the SA free work.
 */
static void __exit kvti_exit(void)
{
	kvti_esp_exit();
	kvti_netlink_stop();
	kvti_device_exit();
	kvti_netlink_exit();
	kvti_sa_exit();
}

module_init(kvti_init);
module_exit(kvti_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Route-based IPsec virtual tunnel interfaces");
MODULE_AUTHOR("The kvti developers");
MODULE_ALIAS_RTNL_LINK(KVTI_LINK_KIND);
MODULE_ALIAS_GENL_FAMILY(KVTI_GENL_NAME);
