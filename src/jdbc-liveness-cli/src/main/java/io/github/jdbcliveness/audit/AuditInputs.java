package io.github.jdbcliveness.audit;

import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.LivenessConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything the prediction depends on; {@link AuditModel#predict(AuditInputs)} reads nothing else.
 *
 * @param target            the server, its URL redacted
 * @param config            jdbc-liveness at the budget (derived by {@link LivenessConfig}, never here)
 * @param middleboxIdle     a NAT's or load balancer's idle timeout on the path, if declared
 * @param applied           what the kernel applied to the tuned socket, read back; empty when not read
 * @param watchdogAvailable whether {@code /proc/net/tcp} can be read here (the in-flight watchdog needs it)
 * @param kernelFaults      empty when kernel fault drills can run here; otherwise why not
 */
public record AuditInputs(String target, LivenessConfig config, Optional<Duration> middleboxIdle,
        PoolSettings pool, ServerSettings server, Optional<AppliedKeepalive> applied, KernelDefaults kernel,
        boolean watchdogAvailable, Optional<String> kernelFaults) {

    public Duration budget() {
        return config.detectionBudget();
    }
}
