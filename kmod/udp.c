// SPDX-License-Identifier: GPL-2.0
/*
 * kvti - ESP in UDP (RFC 3948): the receive hook on a UDP socket that user
 * space owns.
 *
 * The IKE daemon opens the socket (port 4500), speaks IKE on it behind the
 * non-ESP marker and hands its fd to TUNNEL_NEW/SET.  kvti attaches its
 * hooks to the socket, the way L2TP and ovpn attach to a user's socket:
 * ESP goes to kvti's ESP input, NAT keepalives are swallowed, IKE goes on
 * to the daemon.  Transmit needs no socket (esp.c builds the UDP header).
 *
 * kvti keeps a reference on the struct sock, never on the file: when the
 * daemon closes the socket, the port is free at once, encap_destroy() runs
 * and every tunnel lets go of it.  The tunnels stay and keep sending; the
 * restarted daemon hands in a new socket.
 *
 * Locking: kvti_udp_lock, one spinlock for the module, protects every
 * struct kvti_udp_sock, the namespaces' lists of them, each tunnel's
 * usock and udp_node, and which sockets carry our hooks (with the socket's
 * sk_callback_lock also held while its hooks and sk_user_data change).
 * It is global and a spinlock because encap_destroy() takes it from the
 * socket's close, where neither RTNL nor a namespace's memory can be relied
 * on, and where it must not sleep (see kvti_udp_sync()).  Lock order:
 * RTNL, kvti_udp_lock, sk_callback_lock.
 *
 * The receive hook runs in softirq under RCU and uses no record: it finds
 * the SA through the namespace of the socket.  Detaching does not wait for
 * it; unloading does (kvti_udp_sync()).
 */
#include <asm/unaligned.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/rtnetlink.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "kvti.h"

/*
 * A socket with our hooks.  users counts the tunnels linked on @tunnels and
 * the references kvti_udp_get() handed out but no tunnel took yet; the last
 * one detaches.  When the owner closes the socket, @sk becomes NULL and
 * the tunnels are unlinked; the record lives on while references remain.
 */
struct kvti_udp_sock {
	struct list_head node;		/* kvti_net.udp_socks */
	struct list_head tunnels;	/* kvti_tunnel.udp_node */
	struct sock *sk;		/* holds a reference; NULL once closed */
	unsigned int users;
};

static DEFINE_SPINLOCK(kvti_udp_lock);

/* Set once a socket was ever attached: unloading must then wait for the
 * socket callbacks (kvti_udp_sync()).
 */
static bool kvti_udp_used;

static int encap_rcv(struct sock *sk, struct sk_buff *skb);
static void encap_destroy(struct sock *sk);

/* Takes our hooks off @sk, leaving a plain UDP socket.  Only what is still
 * ours: the owner may have set UDP_ENCAP over them.  kvti_udp_lock held.
 */
static void unhook(struct kvti_udp_sock *us)
{
	struct sock *sk = us->sk;
	struct udp_sock *up = udp_sk(sk);

	lockdep_assert_held(&kvti_udp_lock);
	write_lock_bh(&sk->sk_callback_lock);
	if (READ_ONCE(up->encap_rcv) == encap_rcv) {
		WRITE_ONCE(up->encap_type, 0);
		WRITE_ONCE(up->encap_rcv, NULL);
	}
	if (READ_ONCE(up->encap_destroy) == encap_destroy)
		WRITE_ONCE(up->encap_destroy, NULL);
	if (rcu_access_pointer(__sk_user_data(sk)) == us)
		rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	/* The static key's count stays with the socket: udp_destroy_sock()
	 * drops it (UDP_FLAGS_ENCAP_ENABLED), as for UDP_ENCAP 0.
	 */
	list_del(&us->node);
	sock_put(sk);
	us->sk = NULL;
}

/* Drops one reference; the last detaches and frees.  kvti_udp_lock held. */
static void put_locked(struct kvti_udp_sock *us)
{
	lockdep_assert_held(&kvti_udp_lock);
	if (--us->users)
		return;
	WARN_ON_ONCE(!list_empty(&us->tunnels));
	if (us->sk)
		unhook(us);
	kfree(us);
}

void kvti_udp_put(struct kvti_udp_sock *us)
{
	if (!us)
		return;
	spin_lock(&kvti_udp_lock);
	put_locked(us);
	spin_unlock(&kvti_udp_lock);
}

/*
 * The owner closed the socket (udp_destroy_sock(), process context, no
 * lock held).  Every tunnel forgets it; they keep transmitting.  Our hooks
 * are cleared because the socket stays hashed, and may receive, a little
 * longer.  Must not sleep: see kvti_udp_sync().
 */
static void encap_destroy(struct sock *sk)
{
	struct kvti_tunnel *t, *tmp;
	struct kvti_udp_sock *us;

	spin_lock(&kvti_udp_lock);
	/* Detached meanwhile (the pointer is cleared under this lock)? */
	if (READ_ONCE(udp_sk(sk)->encap_destroy) != encap_destroy) {
		spin_unlock(&kvti_udp_lock);
		return;
	}
	us = rcu_dereference_protected(__sk_user_data(sk),
				       lockdep_is_held(&kvti_udp_lock));
	list_for_each_entry_safe(t, tmp, &us->tunnels, udp_node) {
		list_del_init(&t->udp_node);
		WRITE_ONCE(t->usock, NULL);
		us->users--;
	}
	unhook(us);
	if (!us->users)
		kfree(us);
	spin_unlock(&kvti_udp_lock);
}

/* Whether the socket has a local port. */
static bool bound(struct sock *sk)
{
	return READ_ONCE(inet_sk(sk)->inet_num) != 0;
}

/*
 * Finds or attaches the UDP socket behind @fd (in the caller's file table)
 * for a tunnel of @net whose outer family is @family.  On success *@usp
 * holds a reference for kvti_udp_link() or kvti_udp_put().  RTNL held.
 * Errors name KVTI_A_ENCAP_FD (@attr).
 */
int kvti_udp_get(struct net *net, int fd, sa_family_t family,
		 const struct nlattr *attr, struct kvti_udp_sock **usp,
		 struct netlink_ext_ack *extack)
{
	struct kvti_udp_sock *us, *new;
	struct socket *sock;
	struct udp_sock *up;
	struct sock *sk;
	int err;

	ASSERT_RTNL();
	sock = sockfd_lookup(fd, &err);
	if (!sock) {
		if (err == -ENOTSOCK)
			kvti_err(extack, attr, "KVTI_A_ENCAP_FD: not a socket");
		else
			kvti_err(extack, attr,
				 "KVTI_A_ENCAP_FD: not an open file descriptor");
		return err;
	}
	sk = sock->sk;
	err = -EINVAL;
	if (sk->sk_type != SOCK_DGRAM || sk->sk_protocol != IPPROTO_UDP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		kvti_err(extack, attr,
			 "KVTI_A_ENCAP_FD: not a UDP socket (AF_INET or AF_INET6, SOCK_DGRAM, IPPROTO_UDP)");
		goto out_put;
	}
	if (!net_eq(sock_net(sk), net)) {
		kvti_err(extack, attr,
			 "KVTI_A_ENCAP_FD: the socket is in another network namespace than the tunnel");
		goto out_put;
	}
	if (sk->sk_family != family) {
		kvti_err(extack, attr,
			 "KVTI_A_ENCAP_FD: the socket's address family is not the tunnel's outer family");
		goto out_put;
	}
	if (!bound(sk)) {
		kvti_err(extack, attr,
			 "KVTI_A_ENCAP_FD: the socket is not bound to a port");
		goto out_put;
	}
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new) {
		err = -ENOMEM;
		goto out_put;
	}
	INIT_LIST_HEAD(&new->tunnels);

	/* May sleep (static key), and harmless if we fail below: it only
	 * makes UDP look at the socket's encap_type, which stays 0.
	 */
	udp_tunnel_encap_enable(sk);

	up = udp_sk(sk);
	spin_lock(&kvti_udp_lock);
	if (READ_ONCE(up->encap_rcv) == encap_rcv) {
		/* Ours already (another tunnel uses it): share it. */
		us = rcu_dereference_protected(__sk_user_data(sk),
					       lockdep_is_held(&kvti_udp_lock));
		us->users++;
		spin_unlock(&kvti_udp_lock);
		kfree(new);
		*usp = us;
		err = 0;
		goto out_put;
	}
	write_lock_bh(&sk->sk_callback_lock);
	if (READ_ONCE(up->encap_type) || rcu_access_pointer(__sk_user_data(sk))) {
		write_unlock_bh(&sk->sk_callback_lock);
		spin_unlock(&kvti_udp_lock);
		kfree(new);
		kvti_err(extack, attr,
			 "KVTI_A_ENCAP_FD: the socket already carries another encapsulation (UDP_ENCAP or another kernel user)");
		err = -EBUSY;
		goto out_put;
	}
	sock_hold(sk);
	new->sk = sk;
	new->users = 1;
	list_add(&new->node, &kvti_net(net)->udp_socks);
	rcu_assign_sk_user_data(sk, new);
	WRITE_ONCE(up->encap_destroy, encap_destroy);
	WRITE_ONCE(up->encap_rcv, encap_rcv);
	WRITE_ONCE(up->encap_type, UDP_ENCAP_ESPINUDP);
	write_unlock_bh(&sk->sk_callback_lock);
	WRITE_ONCE(kvti_udp_used, true);
	spin_unlock(&kvti_udp_lock);
	*usp = new;
	err = 0;
out_put:
	/* Never keep the file: closing it must free the port. */
	sockfd_put(sock);
	return err;
}

/* Another reference on the socket @t uses (a clone sharing its template's),
 * or NULL if it has none.  RTNL held.
 */
struct kvti_udp_sock *kvti_udp_hold(struct kvti_tunnel *t)
{
	struct kvti_udp_sock *us;

	spin_lock(&kvti_udp_lock);
	us = t->usock;
	if (us)
		us->users++;
	spin_unlock(&kvti_udp_lock);
	return us;
}

/*
 * Makes @t use @us (NULL: no socket), taking over the caller's reference,
 * and drops the one on the socket it used before.  If the owner closed @us
 * since kvti_udp_get(), the tunnel is left without one.  RTNL held.
 */
void kvti_udp_link(struct kvti_tunnel *t, struct kvti_udp_sock *us)
{
	struct kvti_udp_sock *old;

	ASSERT_RTNL();
	spin_lock(&kvti_udp_lock);
	old = t->usock;
	if (old) {
		list_del_init(&t->udp_node);
		WRITE_ONCE(t->usock, NULL);
	}
	if (us && us->sk) {
		list_add(&t->udp_node, &us->tunnels);
		WRITE_ONCE(t->usock, us);
	} else if (us) {
		put_locked(us);
	}
	if (old)
		put_locked(old);
	spin_unlock(&kvti_udp_lock);
}

/* Whether @t has a socket, for reports: a racy glance, fine for that. */
bool kvti_udp_attached(const struct kvti_tunnel *t)
{
	return READ_ONCE(t->usock);
}

/*
 * The receive hook, softirq, under RCU; skb->data is the UDP header, whose
 * checksum UDP has verified.  Returns 0 when the packet is consumed, > 0
 * to hand it to the socket unchanged (IKE, for the daemon).
 */
static int encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	unsigned int len = skb->len - sizeof(struct udphdr);
	const u8 *data;

	if (!pskb_may_pull(skb, sizeof(struct udphdr) + min(len, 8U)))
		goto drop;
	data = skb->data + sizeof(struct udphdr);

	/* NAT keepalive (RFC 3948 §2.3): only there to keep a mapping. */
	if (len == 1 && data[0] == 0xff) {
		consume_skb(skb);
		return 0;
	}
	/* Non-ESP marker (RFC 3948 §2.2): IKE, the daemon's. */
	if (len >= 4 && !get_unaligned((const u32 *)data))
		return 1;
	if (len < sizeof(struct ip_esp_hdr)) {
		net_dbg_ratelimited("kvti: ESP in UDP: %u bytes, too short\n",
				    len);
		goto drop;
	}
	__skb_pull(skb, sizeof(struct udphdr));
	skb_reset_transport_header(skb);
	kvti_esp_udp_rcv(skb);
	return 0;

drop:
	kfree_skb(skb);
	return 0;
}

void kvti_udp_net_init(struct kvti_net *kn)
{
	INIT_LIST_HEAD(&kn->udp_socks);
}

/* A socket holds its namespace, so a dying one has none attached. */
void kvti_udp_net_exit(struct kvti_net *kn)
{
	WARN_ON_ONCE(!list_empty(&kn->udp_socks));
}

/*
 * Unloading, after every tunnel (and so every attached socket) is gone,
 * before the namespaces' memory and the module's text go.  A receive hook
 * loaded before we detached runs in an RCU reader: synchronize_net().
 * encap_destroy() is called with no lock or RCU held, so a closing task may
 * have read our pointer just before we cleared it: RCU Tasks waits until
 * every task has switched voluntarily, which a task in our (non-sleeping)
 * callback or about to call it has not.
 */
void kvti_udp_sync(void)
{
	if (!READ_ONCE(kvti_udp_used))
		return;
	synchronize_net();
	synchronize_rcu_tasks();
}
