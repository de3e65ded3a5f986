/**
 * TCP keepalives for connections that cross the tenant's Network Load Balancer. An NLB forgets
 * a TCP flow that stays idle longer than its idle timeout (the listeners set it:
 * `NLB_TCP_IDLE_TIMEOUT_SECONDS` in lib/constructs/tenant-private-link.ts; AWS docs, "Network Load
 * Balancers: Connection idle timeout") and then answers the
 * next packet of either side with a reset. A pooled connection waiting for work is idle, so both
 * ends that face the NLB send keepalive probes well inside that window: PgBouncer (clients of
 * the read-write endpoint) and PostgreSQL (clients of the read-only endpoint on the replicas).
 */

/**
 * Keepalive timing shared by PostgreSQL (`tcp_keepalives_*`), PgBouncer (`tcp_keep*`) and the
 * client settings the onboarding document recommends.
 */
export const TCP_KEEPALIVE = {
  /** Idle seconds before the first probe: the flow never stays idle longer than this. */
  idleSeconds: 60,
  /** Seconds between unanswered probes. */
  intervalSeconds: 10,
  /** Unanswered probes before the connection is declared dead (a dead client frees its slot in 2 min). */
  count: 6,
} as const;
