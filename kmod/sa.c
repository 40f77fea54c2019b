// SPDX-License-Identifier: GPL-2.0
/*
 * kvti - the SA database: creation with its crypto transform, the inbound
 * hash, SA ids, SPI reservations, lifetimes, idle timers and counters.
 *
 * Locking (see struct kvti_net): writers hold kvti_net.sa_lock with BH
 * off, because SAs are also removed from timers (lifetime in seconds) and
 * from the data path (lifetime in bytes or packets, sequence number
 * exhaustion).  Readers on the data path use RCU.  An SA leaves in three
 * steps: kvti_sa_unlink() (no new lookups find it), an RCU grace period
 * (no reader still holds it without a reference), and the last
 * kvti_sa_put() (no packet in flight), which frees it from kvti_wq.
 */
#include <crypto/aead.h>
#include <crypto/authenc.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "kvti.h"

static struct workqueue_struct *kvti_wq;

/* A reserved SPI that no SA uses yet (SPI_ALLOC). */
struct spi_resv {
	struct hlist_node node;		/* kvti_net.spi_resv, sa_lock */
	__be32 spi;
	unsigned long expires;		/* jiffies */
};

/* How long an SPI handed to the keyer stays reserved without an SA. */
#define SPI_RESV_TIME	(120 * HZ)

void kvti_sa_net_init(struct kvti_net *kn)
{
	spin_lock_init(&kn->sa_lock);
	ratelimit_state_init(&kn->invalid_spi_rs, HZ, 10);
	ratelimit_set_flags(&kn->invalid_spi_rs, RATELIMIT_MSG_ON_RELEASE);
	hash_init(kn->sa_in);
	hash_init(kn->spi_resv);
	idr_init(&kn->sa_ids);
}

void kvti_sa_net_exit(struct kvti_net *kn)
{
	struct spi_resv *r;
	struct hlist_node *tmp;
	int bkt;

	WARN_ON_ONCE(kn->n_sas);
	hash_for_each_safe(kn->spi_resv, bkt, tmp, r, node) {
		hash_del(&r->node);
		kfree(r);
	}
	idr_destroy(&kn->sa_ids);
}

static u32 spi_hash(__be32 spi)
{
	return jhash_1word((__force u32)spi, 0);
}

/* Bytes ESP adds to an inner packet with this SA, outer header excluded. */
unsigned int kvti_sa_overhead(const struct kvti_sa *sa)
{
	return sizeof(struct ip_esp_hdr) + sa->ivlen + sa->blksize - 1 + 2 +
	       sa->icvlen;
}

static void sa_free_work(struct work_struct *work)
{
	struct kvti_sa *sa = container_of(work, struct kvti_sa, free_work);

	del_timer_sync(&sa->timer);
	crypto_free_aead(sa->aead);	/* wipes the key schedule */
	free_percpu(sa->stats);
	dev_put(sa->tunnel->dev);
	kfree(sa);
}

void kvti_sa_put(struct kvti_sa *sa)
{
	if (refcount_dec_and_test(&sa->ref))
		queue_work(kvti_wq, &sa->free_work);
}

static void sa_put_rcu(struct rcu_head *head)
{
	kvti_sa_put(container_of(head, struct kvti_sa, rcu));
}

/* The newest outbound SA of @t other than @except, or NULL.  sa_lock. */
static struct kvti_sa *newest_out(struct kvti_tunnel *t, struct kvti_sa *except)
{
	struct kvti_sa *sa;

	list_for_each_entry_reverse(sa, &t->sas, tun_node)
		if (sa != except && sa->dir == KVTI_DIR_OUT)
			return sa;
	return NULL;
}

/* Caller holds sa_lock.  Returns false if someone else unlinked it first. */
static bool unlink_locked(struct kvti_net *kn, struct kvti_sa *sa)
{
	struct kvti_tunnel *t = sa->tunnel;

	lockdep_assert_held(&kn->sa_lock);
	if (test_and_set_bit(KVTI_SA_DEAD, &sa->flags))
		return false;
	if (sa->dir == KVTI_DIR_IN)
		hash_del_rcu(&sa->hash_node);
	if (rcu_access_pointer(t->sa_out) == sa) {
		struct kvti_sa *next = newest_out(t, sa);

		rcu_assign_pointer(t->sa_out, next);
		if (!next)
			netif_dormant_on(t->dev);
	}
	list_del_rcu(&sa->tun_node);
	idr_remove(&kn->sa_ids, sa->id);
	kn->n_sas--;
	call_rcu(&sa->rcu, sa_put_rcu);
	return true;
}

bool kvti_sa_unlink(struct kvti_sa *sa)
{
	struct kvti_net *kn = kvti_net(sa->net);
	bool done;

	spin_lock_bh(&kn->sa_lock);
	done = unlink_locked(kn, sa);
	spin_unlock_bh(&kn->sa_lock);
	return done;
}

/* Removes every SA of @t (tunnel going away, or "sa flush dev"). */
void kvti_sa_flush_tunnel(struct kvti_tunnel *t)
{
	struct kvti_net *kn = kvti_net(dev_net(t->dev));
	struct kvti_sa *sa, *tmp;

	spin_lock_bh(&kn->sa_lock);
	list_for_each_entry_safe(sa, tmp, &t->sas, tun_node)
		unlink_locked(kn, sa);
	spin_unlock_bh(&kn->sa_lock);
}

unsigned int kvti_sa_flush_net(struct kvti_net *kn)
{
	struct kvti_sa *sa;
	unsigned int n = 0;
	int id;

	spin_lock_bh(&kn->sa_lock);
	idr_for_each_entry(&kn->sa_ids, sa, id)
		n += unlink_locked(kn, sa);
	spin_unlock_bh(&kn->sa_lock);
	return n;
}

/* Raises EXPIRE; a hard expiry also removes the SA.  Any context. */
void kvti_sa_expire(struct kvti_sa *sa, bool hard)
{
	if (hard) {
		if (kvti_sa_unlink(sa))
			kvti_netlink_sa_event(sa, KVTI_CMD_EV_EXPIRE, true);
		return;
	}
	if (!test_and_set_bit(KVTI_SA_SOFT_FIRED, &sa->flags))
		kvti_netlink_sa_event(sa, KVTI_CMD_EV_EXPIRE, false);
}

/*
 * Counts a packet against the SA's byte and packet limits and notes the
 * SA as used.  Returns false if the packet is beyond the hard limit and
 * must be dropped; the packet that reaches the limit still passes, and the
 * SA is removed behind it.
 */
bool kvti_sa_account(struct kvti_sa *sa, unsigned int len)
{
	u64 p = atomic64_inc_return(&sa->life_packets);
	u64 b = atomic64_add_return(len, &sa->life_bytes);

	WRITE_ONCE(sa->last_used, jiffies);
	if (unlikely(test_bit(KVTI_SA_IDLE_FIRED, &sa->flags)))
		clear_bit(KVTI_SA_IDLE_FIRED, &sa->flags);

	if (unlikely((sa->hard.packets && p > sa->hard.packets) ||
		     (sa->hard.bytes && b - len >= sa->hard.bytes))) {
		kvti_sa_expire(sa, true);
		return false;
	}
	if (unlikely((sa->hard.packets && p == sa->hard.packets) ||
		     (sa->hard.bytes && b >= sa->hard.bytes))) {
		kvti_sa_expire(sa, true);
		return true;
	}
	if (unlikely((sa->soft.packets && p >= sa->soft.packets) ||
		     (sa->soft.bytes && b >= sa->soft.bytes)))
		kvti_sa_expire(sa, false);
	return true;
}

static unsigned long secs_after(unsigned long start, u64 secs)
{
	return start + (unsigned long)secs * HZ;
}

/* Lifetimes in seconds and the idle timer.  Runs in softirq. */
static void sa_timer(struct timer_list *timer)
{
	struct kvti_sa *sa = from_timer(sa, timer, timer);
	unsigned long now = jiffies, next = now + MAX_JIFFY_OFFSET;
	bool armed = false;

	if (test_bit(KVTI_SA_DEAD, &sa->flags))
		return;
	if (sa->hard.seconds) {
		unsigned long at = secs_after(sa->created, sa->hard.seconds);

		if (time_after_eq(now, at)) {
			kvti_sa_expire(sa, true);
			return;
		}
		next = at;
		armed = true;
	}
	if (sa->soft.seconds && !test_bit(KVTI_SA_SOFT_FIRED, &sa->flags)) {
		unsigned long at = secs_after(sa->created, sa->soft.seconds);

		if (time_after_eq(now, at)) {
			kvti_sa_expire(sa, false);
		} else if (!armed || time_before(at, next)) {
			next = at;
			armed = true;
		}
	}
	if (sa->idle_time) {
		unsigned long at = secs_after(READ_ONCE(sa->last_used),
					      sa->idle_time);

		if (time_after_eq(now, at) &&
		    !test_and_set_bit(KVTI_SA_IDLE_FIRED, &sa->flags))
			kvti_netlink_sa_event(sa, KVTI_CMD_EV_IDLE, false);
		/* Once idle, look again a full period later. */
		if (time_after_eq(now, at))
			at = secs_after(now, sa->idle_time);
		if (!armed || time_before(at, next)) {
			next = at;
			armed = true;
		}
	}
	if (armed)
		mod_timer(&sa->timer, next);
}

static void resv_expire_locked(struct kvti_net *kn)
{
	struct spi_resv *r;
	struct hlist_node *tmp;
	int bkt;

	hash_for_each_safe(kn->spi_resv, bkt, tmp, r, node) {
		if (time_after(jiffies, r->expires)) {
			hash_del(&r->node);
			kfree(r);
		}
	}
}

static struct spi_resv *resv_find_locked(struct kvti_net *kn, __be32 spi)
{
	struct spi_resv *r;

	hash_for_each_possible(kn->spi_resv, r, node, spi_hash(spi))
		if (r->spi == spi)
			return r;
	return NULL;
}

static bool spi_in_use_locked(struct kvti_net *kn, __be32 spi)
{
	struct kvti_sa *sa;

	hash_for_each_possible(kn->sa_in, sa, hash_node, spi_hash(spi))
		if (sa->spi == spi)
			return true;
	return false;
}

bool kvti_sa_spi_taken(struct kvti_net *kn, __be32 spi)
{
	bool taken;

	spin_lock_bh(&kn->sa_lock);
	taken = spi_in_use_locked(kn, spi);
	spin_unlock_bh(&kn->sa_lock);
	return taken;
}

/* Reserves a random inbound SPI in [lo, hi] that no SA and no other
 * reservation of this namespace uses.
 */
int kvti_sa_spi_alloc(struct kvti_net *kn, u32 lo, u32 hi, __be32 *spi)
{
	struct spi_resv *r = kzalloc(sizeof(*r), GFP_KERNEL);
	int tries;

	if (!r)
		return -ENOMEM;
	spin_lock_bh(&kn->sa_lock);
	resv_expire_locked(kn);
	for (tries = 0; tries < 64; tries++) {
		u32 span = hi - lo + 1;	/* 0: the whole 32-bit space */
		__be32 s = htonl(span ? lo + get_random_u32_below(span) :
				 get_random_u32());

		if (!s || spi_in_use_locked(kn, s) || resv_find_locked(kn, s))
			continue;
		r->spi = s;
		r->expires = jiffies + SPI_RESV_TIME;
		hash_add(kn->spi_resv, &r->node, spi_hash(s));
		spin_unlock_bh(&kn->sa_lock);
		*spi = s;
		return 0;
	}
	spin_unlock_bh(&kn->sa_lock);
	kfree(r);
	return -EADDRINUSE;
}

struct kvti_sa *kvti_sa_lookup_in(struct kvti_net *kn, __be32 spi,
				  sa_family_t family,
				  const union kvti_addr *daddr)
{
	struct kvti_sa *sa;

	hash_for_each_possible_rcu(kn->sa_in, sa, hash_node, spi_hash(spi)) {
		if (sa->spi != spi || sa->family != family)
			continue;
		if (family == AF_INET ? sa->daddr.ip == daddr->ip :
		    ipv6_addr_equal(&sa->daddr.ip6, &daddr->ip6))
			return sa;
	}
	return NULL;
}

/* By id, with a reference, or NULL.  Configuration paths only. */
struct kvti_sa *kvti_sa_find(struct kvti_net *kn, u32 id)
{
	struct kvti_sa *sa;

	spin_lock_bh(&kn->sa_lock);
	sa = idr_find(&kn->sa_ids, id);
	if (sa && !refcount_inc_not_zero(&sa->ref))
		sa = NULL;
	spin_unlock_bh(&kn->sa_lock);
	return sa;
}

static bool has_salt(const char *name)
{
	/* Also by driver name or inside a wrapper: pcrypt(rfc4106-gcm-aesni). */
	return strstr(name, "rfc4106") || strstr(name, "rfc4543") ||
	       strstr(name, "rfc7539esp");
}

/* Allocates and keys the transform.  Errors name the attribute. */
int kvti_sa_setup_crypto(struct kvti_sa *sa, const struct kvti_sa_config *c,
			 struct netlink_ext_ack *extack)
{
	char name[CRYPTO_MAX_ALG_NAME];
	struct crypto_aead *aead;
	u8 *blob = NULL;
	unsigned int blob_len;
	int err;

	if (c->aead_alg) {
		strscpy(name, c->aead_alg, sizeof(name));
	} else if (snprintf(name, sizeof(name), "%s(%s,%s)",
			    c->esn ? "authencesn" : "authenc", c->auth_alg,
			    c->enc_alg) >= sizeof(name)) {
		NL_SET_ERR_MSG(extack, "KVTI_A_SA_ENC_ALG: algorithm names too long");
		return -ENAMETOOLONG;
	}
	aead = crypto_alloc_aead(name, 0, 0);
	if (IS_ERR(aead)) {
		err = PTR_ERR(aead);
		/*
		 * The first user of a template waits (60 s at most) while
		 * cryptomgr builds and self-tests the instance; a slow
		 * machine can outlast that: the instance is still coming,
		 * so say so rather than "no such algorithm".
		 */
		if (err == -ETIMEDOUT || err == -EAGAIN || err == -EINTR) {
			if (c->aead_alg)
				kvti_err(extack, NULL,
					 "KVTI_A_SA_AEAD_ALG: the kernel crypto API is still building and testing this AEAD, try again");
			else
				kvti_err(extack, NULL,
					 "KVTI_A_SA_ENC_ALG/KVTI_A_SA_AUTH_ALG: the kernel crypto API is still building and testing this pair, try again");
			return -EAGAIN;
		}
		if (err == -ENOENT) {
			if (c->aead_alg)
				kvti_err(extack, NULL,
					 "KVTI_A_SA_AEAD_ALG: the kernel crypto API has no such AEAD");
			else
				kvti_err(extack, NULL,
					 "KVTI_A_SA_ENC_ALG/KVTI_A_SA_AUTH_ALG: the kernel crypto API has no such pair");
			return -ENOENT;
		}
		if (c->aead_alg)
			kvti_err(extack, NULL,
				 "KVTI_A_SA_AEAD_ALG: the kernel crypto API could not allocate this AEAD");
		else
			kvti_err(extack, NULL,
				 "KVTI_A_SA_ENC_ALG/KVTI_A_SA_AUTH_ALG: the kernel crypto API could not allocate this pair");
		return err;
	}
	sa->ivlen = crypto_aead_ivsize(aead);
	if (c->aead_alg && sa->ivlen != 8) {
		NL_SET_ERR_MSG(extack,
			       "KVTI_A_SA_AEAD_ALG: not an ESP AEAD (needs an 8-byte IV, e.g. rfc4106(gcm(aes)))");
		err = -EINVAL;
		goto err_free;
	}
	if (sa->ivlen > 16) {
		NL_SET_ERR_MSG(extack, "KVTI_A_SA_ENC_ALG: IV longer than 16 bytes");
		err = -EINVAL;
		goto err_free;
	}

	if (c->aead_alg) {
		err = crypto_aead_setkey(aead, c->enc_key, c->enc_key_len);
		sa->salt_len = has_salt(name) ? 4 : 0;
	} else {
		struct crypto_authenc_key_param *param;
		struct rtattr *rta;

		blob_len = RTA_SPACE(sizeof(*param)) + c->auth_key_len +
			   c->enc_key_len;
		blob = kmalloc(blob_len, GFP_KERNEL);
		err = -ENOMEM;
		if (!blob)
			goto err_free;
		rta = (struct rtattr *)blob;
		rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
		rta->rta_len = RTA_LENGTH(sizeof(*param));
		param = RTA_DATA(rta);
		param->enckeylen = cpu_to_be32(c->enc_key_len);
		memcpy(blob + RTA_SPACE(sizeof(*param)), c->auth_key,
		       c->auth_key_len);
		memcpy(blob + RTA_SPACE(sizeof(*param)) + c->auth_key_len,
		       c->enc_key, c->enc_key_len);
		err = crypto_aead_setkey(aead, blob, blob_len);
		kfree_sensitive(blob);
	}
	if (err) {
		/* Keying may allocate (gcm's hash key, hmac's pads). */
		if (err == -ENOMEM)
			NL_SET_ERR_MSG(extack,
				       "KVTI_A_SA_ENC_KEY/KVTI_A_SA_AUTH_KEY: out of memory while keying");
		else
			NL_SET_ERR_MSG(extack,
				       "KVTI_A_SA_ENC_KEY/KVTI_A_SA_AUTH_KEY: key length not valid for this algorithm");
		goto err_free;
	}
	if (c->icv_bits % 8 ||
	    crypto_aead_setauthsize(aead, c->icv_bits / 8)) {
		NL_SET_ERR_MSG(extack,
			       "KVTI_A_SA_ICV_BITS: ICV length not supported by this algorithm");
		err = -EINVAL;
		goto err_free;
	}
	sa->aead = aead;
	sa->icvlen = c->icv_bits / 8;
	sa->blksize = ALIGN(crypto_aead_blocksize(aead), 4);
	sa->iv_from_seq = !!c->aead_alg;
	strscpy(sa->alg, c->aead_alg ? c->aead_alg : c->enc_alg, sizeof(sa->alg));
	strscpy(sa->auth, c->aead_alg ? "" : c->auth_alg, sizeof(sa->auth));
	sa->enc_key_bits = (c->enc_key_len - sa->salt_len) * 8;
	sa->auth_key_bits = c->auth_key_len * 8;
	return 0;

err_free:
	crypto_free_aead(aead);
	return err;
}

/*
 * Creates an SA from @c and links it in.  Called from genl with RTNL held
 * (the tunnel cannot go away).  On return the SA is live and belongs to the
 * database; the caller gets no reference.
 */
struct kvti_sa *kvti_sa_create(struct kvti_net *kn,
			       const struct kvti_sa_config *c,
			       struct netlink_ext_ack *extack)
{
	struct kvti_tunnel *t = c->tunnel;
	const struct kvti_params *p = rtnl_dereference(t->params);
	struct kvti_sa *sa;
	struct spi_resv *r;
	int err, id;

	ASSERT_RTNL();
	sa = kzalloc(sizeof(*sa), GFP_KERNEL);
	if (!sa)
		return ERR_PTR(-ENOMEM);
	sa->stats = alloc_percpu_gfp(struct kvti_pcpu_stats, GFP_KERNEL);
	if (!sa->stats) {
		err = -ENOMEM;
		goto err_free;
	}
	err = kvti_sa_setup_crypto(sa, c, extack);
	if (err)
		goto err_free_stats;

	sa->tunnel = t;
	sa->net = dev_net(t->dev);
	sa->spi = c->spi;
	sa->dir = c->dir;
	sa->esn = c->esn;
	sa->family = p->family;
	sa->daddr = p->local;
	sa->soft = c->soft;
	sa->hard = c->hard;
	sa->idle_time = c->idle_time;
	sa->created = jiffies;
	sa->last_used = jiffies;
	atomic64_set(&sa->seq_out, c->seq_out);
	spin_lock_init(&sa->replay_lock);
	kvti_replay_init(&sa->replay, c->replay_window);
	refcount_set(&sa->ref, 1);
	INIT_WORK(&sa->free_work, sa_free_work);
	timer_setup(&sa->timer, sa_timer, 0);

	idr_preload(GFP_KERNEL);
	spin_lock_bh(&kn->sa_lock);
	if (sa->dir == KVTI_DIR_IN && spi_in_use_locked(kn, sa->spi)) {
		NL_SET_ERR_MSG(extack,
			       "KVTI_A_SA_SPI: an inbound SA in this namespace already uses this SPI");
		err = -EEXIST;
		goto err_unlock;
	}
	id = idr_alloc_cyclic(&kn->sa_ids, sa, 1, INT_MAX, GFP_NOWAIT);
	if (id < 0) {
		err = id;
		goto err_unlock;
	}
	sa->id = id;
	if (sa->dir == KVTI_DIR_IN) {
		r = resv_find_locked(kn, sa->spi);
		if (r) {
			hash_del(&r->node);
			kfree(r);
		}
		hash_add_rcu(kn->sa_in, &sa->hash_node, spi_hash(sa->spi));
	}
	dev_hold(t->dev);
	list_add_tail_rcu(&sa->tun_node, &t->sas);
	kn->n_sas++;
	if (sa->dir == KVTI_DIR_OUT) {
		rcu_assign_pointer(t->sa_out, sa);
		netif_dormant_off(t->dev);
	}
	spin_unlock_bh(&kn->sa_lock);
	idr_preload_end();

	/* The timer now runs concurrently with everything else. */
	sa_timer(&sa->timer);
	return sa;

err_unlock:
	spin_unlock_bh(&kn->sa_lock);
	idr_preload_end();
	crypto_free_aead(sa->aead);
err_free_stats:
	free_percpu(sa->stats);
err_free:
	kfree(sa);
	return ERR_PTR(err);
}

int kvti_sa_init(void)
{
	kvti_wq = alloc_workqueue("kvti", WQ_MEM_RECLAIM, 0);
	return kvti_wq ? 0 : -ENOMEM;
}

/* After every SA is unlinked: let RCU callbacks queue their frees, then
 * run them.
 */
void kvti_sa_exit(void)
{
	rcu_barrier();
	destroy_workqueue(kvti_wq);
}

/* The SA of @t with this direction and SPI, with a reference, or NULL. */
struct kvti_sa *kvti_sa_find_spi(struct kvti_tunnel *t, u8 dir, __be32 spi)
{
	struct kvti_net *kn = kvti_net(dev_net(t->dev));
	struct kvti_sa *sa, *found = NULL;

	spin_lock_bh(&kn->sa_lock);
	list_for_each_entry(sa, &t->sas, tun_node) {
		if (sa->dir == dir && sa->spi == spi &&
		    refcount_inc_not_zero(&sa->ref)) {
			found = sa;
			break;
		}
	}
	spin_unlock_bh(&kn->sa_lock);
	return found;
}
