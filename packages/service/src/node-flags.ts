/**
 * The V8 heap settings the service runs with: the Dockerfile's CMD passes them (a pipeline check
 * holds it to this list) and the bench starts the service with them, so both measure the same
 * process.
 *
 * With V8's defaults on a machine with plenty of memory the young generation grows to about
 * 100 MB under load and the old generation is collected late: the web role peaked at 290 MiB RSS
 * at 1,000 deliveries/s while its live heap after a full collection stayed at 28–40 MB. A 4 MB
 * semi-space and a 128 MB old generation kept the peak at 135–145 MiB at the same rate with no
 * loss of throughput, inside the 192 Mi memory request of the Kubernetes deployments. 128 MB is
 * three times the live heap under load; a process that needed more would be out of memory well
 * before the 512 Mi container limit anyway.
 *
 * The semi-space went from 4 to 16 MB when the bench's CPU profile showed garbage collection at
 * 17 % of the webhook's CPU: scavenges cost what survives, not what dies, so fewer of them cost
 * less. In the bench (throughput phase, profiled) collection fell from 0.077 to 0.042 ms per
 * alert, and the web phases' RSS peak stayed at 169–181 MiB against 166–178 MiB with 4 MB.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=128'] as const;

/**
 * How the service loads dd-trace: before any module of its own, with dd-trace's ESM loader hook
 * (dd-trace's README, "ECMAScript Modules (ESM) Support"). The Dockerfile's CMD passes them (a
 * pipeline check holds it to this list) and the tracing test starts the built service with them.
 * With DD_TRACE_ENABLED=false dd-trace loads but records and sends nothing.
 */
export const SERVICE_TRACING_FLAGS = ['--import', 'dd-trace/initialize.mjs'] as const;
