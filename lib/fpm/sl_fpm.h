/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/fpm — zebra's Forwarding Plane Manager stream, decoded (plain C).
 *
 * zebra (FRR, `-M dplane_fpm_nl`) connects over TCP (port 2620) and streams
 * every route it selects. The stream is a sequence of frames:
 *   u8 version (1) | u8 type (1 = netlink) | u16 length, big-endian, header
 *   included | one or more 4-byte-aligned netlink messages
 * The messages are RTM_NEWROUTE/RTM_DELROUTE (next hops inline, RTA_MULTIPATH,
 * or RTA_NH_ID naming a next-hop object) and RTM_NEWNEXTHOP/RTM_DELNEXTHOP.
 *
 * This library turns bytes into typed messages and counts everything it
 * refuses or ignores, by kind. It trusts nothing: every length is checked
 * against what is left, and a frame's contents cannot make it read past
 * the frame. A bad frame header loses the framing (-EPROTO: close the
 * connection); anything wrong inside a frame costs only that message.
 * What to do with the routes (tables to VRFs, the RIB) is the caller's.
 */
#ifndef SL_FPM_H
#define SL_FPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_types.h"

#define SL_FPM_PORT 2620
#define SL_FPM_VERSION 1
#define SL_FPM_TYPE_NETLINK 1
#define SL_FPM_HDR_LEN 4
#define SL_FPM_FRAME_MAX 65535 /* the length field is 16 bits */
#define SL_FPM_NH_MAX SL_ECMP_MAX
#define SL_FPM_TABLE_MAIN 254 /* the default VRF's table */

enum sl_fpm_kind {
	SL_FPM_ROUTE_ADD = 0,
	SL_FPM_ROUTE_DEL,
	SL_FPM_NH_ADD, /* a next-hop object (RTM_NEWNEXTHOP) */
	SL_FPM_NH_DEL,
};

enum sl_fpm_route_type {
	SL_FPM_UNICAST = 0,
	SL_FPM_BLACKHOLE,
	SL_FPM_UNREACHABLE,
	SL_FPM_PROHIBIT,
};

/* One path: a gateway (0: none, on-link) and/or an interface (0: none). */
struct sl_fpm_path {
	uint32_t gw; /* host order */
	uint32_t ifindex;
	uint8_t weight; /* 1..255 (rtnexthop hops + 1) */
};

struct sl_fpm_route {
	uint32_t table; /* kernel table id: 254 = main (default VRF) */
	struct sl_prefix prefix; /* no host bits (checked) */
	uint8_t protocol; /* rtm_protocol: 186 BGP, 188 OSPF, ... */
	enum sl_fpm_route_type type;
	uint32_t metric; /* RTA_PRIORITY */
	uint32_t nh_id; /* RTA_NH_ID, 0 = paths given inline */
	size_t n_paths;
	struct sl_fpm_path paths[SL_FPM_NH_MAX];
};

/* A next-hop object: a single path, a blackhole, or a group of objects. */
struct sl_fpm_nh {
	uint32_t id;
	bool blackhole;
	struct sl_fpm_path path; /* single (n_group == 0, not blackhole) */
	size_t n_group;
	struct {
		uint32_t id;
		uint8_t weight; /* 1..255 */
	} group[SL_FPM_NH_MAX];
};

struct sl_fpm_msg {
	enum sl_fpm_kind kind;
	union {
		struct sl_fpm_route route; /* ROUTE_ADD/DEL (DEL: paths may be empty) */
		struct sl_fpm_nh nh; /* NH_ADD/DEL (DEL: id only) */
	};
};

/* What was skipped without harm (not an error: FRR sends it, sluice does not use it). */
enum sl_fpm_ignored {
	SL_FPM_IGN_FRAME_TYPE = 0, /* a frame that is not netlink (protobuf) */
	SL_FPM_IGN_MSG_TYPE, /* netlink messages other than routes and next hops */
	SL_FPM_IGN_FAMILY, /* IPv6 and others, until sluice routes them */
	SL_FPM_IGN_ROUTE_TYPE, /* local, broadcast, multicast, ... routes */
	SL_FPM_IGN_ENCAP, /* MPLS/SRv6/EVPN encapsulated routes */
	SL_FPM_IGN__COUNT
};

/* What was refused (the message is dropped, the stream goes on). */
enum sl_fpm_bad {
	SL_FPM_BAD_FRAME = 0, /* frame header: version or length (connection closed) */
	SL_FPM_BAD_MSG_LEN, /* netlink length short or past the frame */
	SL_FPM_BAD_ATTR, /* attribute length short or past the message */
	SL_FPM_BAD_VALUE, /* attribute of the wrong size, prefix length > 32 */
	SL_FPM_BAD_HOST_BITS, /* destination with bits past its length */
	SL_FPM_BAD_TOO_MANY_PATHS, /* more than SL_FPM_NH_MAX paths */
	SL_FPM_BAD_NO_PATH, /* a unicast add with no gateway, interface or nh id */
	SL_FPM_BAD__COUNT
};

struct sl_fpm_stats {
	uint64_t frames, bytes, messages;
	uint64_t routes_add, routes_del, nh_add, nh_del;
	uint64_t ignored[SL_FPM_IGN__COUNT];
	uint64_t bad[SL_FPM_BAD__COUNT];
};

extern const char *const sl_fpm_ignored_names[SL_FPM_IGN__COUNT];
extern const char *const sl_fpm_bad_names[SL_FPM_BAD__COUNT];

/* Called for each decoded message; m is valid during the call only. */
typedef void (*sl_fpm_msg_fn)(const struct sl_fpm_msg *m, void *ctx);

/*
 * Decode the netlink messages of one frame's payload. Every message is
 * delivered or counted in st. Never fails: a malformed message stops at that
 * message only when its length cannot be trusted (the rest of the frame is
 * then counted as one BAD_MSG_LEN).
 */
void sl_fpm_parse(
	const void *payload, size_t len, struct sl_fpm_stats *st, sl_fpm_msg_fn fn, void *ctx);

/* ---- the TCP stream: frames cut out of arbitrary reads ---- */

struct sl_fpm_rx {
	uint8_t buf[SL_FPM_FRAME_MAX];
	size_t have; /* bytes of the current frame in buf */
	struct sl_fpm_stats st;
};

void sl_fpm_rx_init(struct sl_fpm_rx *rx); /* zeroes stats too */
/* Start a new connection (a partial frame is dropped; stats are kept). */
void sl_fpm_rx_reset(struct sl_fpm_rx *rx);
/*
 * Feed bytes as they came from the socket (any split). Returns 0, or -EPROTO
 * when a frame header is invalid (version, type 0, length < 4): the framing is
 * lost and the connection must be closed (counted as BAD_FRAME).
 */
int sl_fpm_rx_feed(struct sl_fpm_rx *rx, const void *data, size_t len, sl_fpm_msg_fn fn, void *ctx);

/* ---- encoding: what zebra sends (tests, the test client, benchmarks) ---- */

/* One frame holding one message. Returns its length, or -ENOSPC / -EINVAL
 * (more paths than SL_FPM_NH_MAX, or a group past it). */
int sl_fpm_encode(const struct sl_fpm_msg *m, uint8_t *out, size_t cap);

#endif
