/** How pods find their node pool: the labels and taints the platform puts on nodes. */

/** Label every node carries with the name of its pool. */
export const NODE_POOL_LABEL = 'postgres-platform/node-pool';
/** Value of {@link NODE_POOL_LABEL} on the pool for operators, controllers and monitoring. */
export const SYSTEM_POOL = 'system';
/** Value of {@link NODE_POOL_LABEL} on the pool reserved for PostgreSQL. */
export const DATABASE_POOL = 'database';
/** Taint key that keeps everything but PostgreSQL pods off the database pool. */
export const DATABASE_TAINT_KEY = 'postgres-platform/database';
/**
 * Taint on the nodes of a database pool being retired: no database pod tolerates it, so nothing
 * new is scheduled there, and the Cluster Autoscaler (which reads a managed node group's taints)
 * adds no node to it for them. NoSchedule leaves running pods alone: the drain moves them.
 */
export const RETIRING_TAINT_KEY = 'postgres-platform/retiring';
