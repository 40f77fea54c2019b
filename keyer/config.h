/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - the configuration file (default /etc/kvti/keyer.conf;
 * grammar and defaults in keyer.conf.example).  Objects in Cisco's words:
 *
 *   keyring        pre-shared keys by peer address, prefix or identity
 *   ike-profile    IKE proposals, lifetime, identities, keyring, DPD
 *   ipsec-profile  ESP proposals, lifetimes, PFS, replay window, idle time,
 *                  responder-only
 *   tunnel         a static VTI: local address, ordered peers, profiles
 *   template       a dynamic VTI: which peers it accepts, profiles
 *   max-ike-sa, max-half-open   call admission control (globals)
 *
 * config_parse() checks everything it can without the kernel: syntax,
 * ranges, duplicate names, references between objects; the first problem
 * is reported as "FILE:LINE: message" and nothing is returned.  Pre-shared
 * keys are held in struct buf (wiped on free) and never appear in a message.
 */
#ifndef KEYER_CONFIG_H
#define KEYER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "buf.h"
#include "proposal.h"

#define CFG_DEFAULT_PATH	"/etc/kvti/keyer.conf"
#define CFG_DEFAULT_CONTROL	"/run/kvti/keyer.sock"
#define CFG_PATH_MAX		108	/* sun_path */
#define CFG_NAME_MAX		32	/* profile and keyring names, with NUL */
#define CFG_IFNAME_MAX		16	/* tunnel/template names: IFNAMSIZ */
#define CFG_MAX_PEERS		8	/* per tunnel: the preferred-peer list */
#define CFG_MAX_MATCH		16	/* per template: match-peer, match-identity */
#define CFG_MAX_NETS		8	/* per tunnel: local-networks */

/* One `peer` of a keyring: which peers it applies to and the keys. */
struct cfg_psk {
	int		 line;
	bool		 by_id;		/* else by address prefix */
	struct ipprefix	 prefix;	/* family 0: "any" */
	struct ike_id	 id;		/* a pattern */
	struct buf	*local;		/* we compute our AUTH with this */
	struct buf	*remote;	/* we verify the peer's AUTH with this */
};

struct cfg_keyring {
	char		 name[CFG_NAME_MAX];
	int		 line;
	struct cfg_psk	*peers;
	size_t		 npeers;
};

enum cfg_dpd_mode { DPD_OFF, DPD_ON_DEMAND, DPD_PERIODIC };

struct cfg_ike_profile {
	char			 name[CFG_NAME_MAX];
	int			 line;
	struct ike_proposal	 props[PROPOSAL_MAX];
	size_t			 nprops;
	uint32_t		 lifetime;	/* seconds */
	struct ike_id		 local_id;	/* IKE_ID_ANY: the tunnel's local address */
	struct ike_id		 remote_id;	/* a pattern; default any */
	char			 keyring_name[CFG_NAME_MAX];
	int			 keyring_line;
	const struct cfg_keyring *keyring;
	enum cfg_dpd_mode	 dpd;
	uint32_t		 dpd_interval;	/* seconds */
	uint32_t		 dpd_retries;
};

struct cfg_ipsec_profile {
	char			 name[CFG_NAME_MAX];
	int			 line;
	struct ike_proposal	 props[PROPOSAL_MAX];	/* pfs group already added */
	size_t			 nprops;
	uint16_t		 pfs;		/* IKE_DH_NONE = no PFS */
	uint64_t		 life_seconds;
	uint64_t		 life_kilobytes;
	uint32_t		 replay_window;	/* 0 = off */
	uint32_t		 idle_time;	/* seconds, 0 = none */
	bool			 responder_only;
};

struct cfg_peer {
	struct ipaddr	addr;
	bool		is_default;
	int		line;
};

/* A static VTI (tunnel) or a dynamic one's virtual template (template). */
struct cfg_tunnel {
	char				 name[CFG_IFNAME_MAX];	/* the kvti netdev */
	int				 line;
	bool				 is_template;
	struct ipaddr			 local;
	/* The front-door VRF (IOS "tunnel vrf"): IKE and ESP go by its
	 * table; "" = none.  Part of what tells tunnels apart. */
	char				 fvrf[CFG_IFNAME_MAX];
	struct cfg_peer			 peers[CFG_MAX_PEERS];	/* tunnel: in order */
	size_t				 npeers;
	struct ipprefix			 match_peer[CFG_MAX_MATCH];	/* template */
	size_t				 nmatch_peer;
	struct ike_id			 match_id[CFG_MAX_MATCH];
	size_t				 nmatch_id;
	/* tunnel: the traffic selectors it offers for our side (none: any) */
	struct ipprefix			 local_nets[CFG_MAX_NETS];
	size_t				 nlocal_nets;
	/* template: clone names ("dvti%d") and route injection (IOS RRI) */
	char				 clone_name[CFG_IFNAME_MAX];
	bool				 reverse_route;	/* default yes */
	uint32_t			 route_distance;	/* the routes' metric; 1 */
	uint32_t			 route_tag;	/* their realm; 0 = none */
	char				 ike_name[CFG_NAME_MAX];
	char				 ipsec_name[CFG_NAME_MAX];
	int				 ike_line, ipsec_line;
	const struct cfg_ike_profile	*ike;
	const struct cfg_ipsec_profile	*ipsec;
};

struct config {
	char			*file;
	uint32_t		 max_ike_sa;	/* 0 = no limit */
	uint32_t		 max_half_open;	/* 0 = no limit */
	uint16_t		 ike_port;	/* 500; tests run unprivileged above 1024 */
	uint16_t		 natt_port;	/* 4500 */
	int			 port_line;	/* of the last port setting */
	uint32_t		 retransmit_ms;	/* first retransmission; 4000 */
	uint32_t		 retransmit_tries;	/* then give up; 5 */
	char			 control[CFG_PATH_MAX];	/* control socket path */
	bool			 invalid_spi_recovery;	/* off, as IOS */
	uint32_t		 nat_keepalive;	/* seconds behind a NAT; 20, 0 = off */
	struct cfg_keyring	*keyrings;
	size_t			 nkeyrings;
	struct cfg_ike_profile	*ike_profiles;
	size_t			 nike_profiles;
	struct cfg_ipsec_profile *ipsec_profiles;
	size_t			 nipsec_profiles;
	struct cfg_tunnel	*tunnels;
	size_t			 ntunnels;
	struct cfg_tunnel	*templates;
	size_t			 ntemplates;
};

/* config.c */
struct config *config_load(const char *path, char *err, size_t errlen);
struct config *config_parse(const char *file, const char *text, size_t len,
			    char *err, size_t errlen);
void config_free(struct config *cfg);
const struct cfg_tunnel *config_find_tunnel(const struct config *cfg, const char *name);
const struct cfg_psk *config_find_psk(const struct cfg_keyring *kr,
				      const struct ipaddr *peer,
				      const struct ike_id *peer_id);

#endif /* KEYER_CONFIG_H */
