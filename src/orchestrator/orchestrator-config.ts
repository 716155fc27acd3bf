/** The seed document's orchestrator settings, in milliseconds and fractions. */
export interface OrchestratorConfig {
  /** Time between tuning rounds. */
  tuningIntervalMs: number;
  /** Converge within this (reported, not enforced). */
  convergenceTargetMs: number;
  /**
   * Tuning operations in flight (applied, not yet validated) at most. An operation is one
   * component's batch of a round: its changes are validated by one A/B test and reverted together.
   */
  maxConcurrentTuning: number;
  /** Groups of changes (a VM's CPUs and memory, a device's settings) one batch holds at most: gradual. */
  maxGroupsPerBatch: number;
  /** Dry-run every change before applying it, and never apply one that fails the dry run. */
  safeTuning: boolean;
  /** Move numeric knobs in bounded steps (at most `maxStepFactor` per round). */
  gradualChanges: boolean;
  maxStepFactor: number;
  /** Revert changes that degrade a service-level metric. */
  autoRollback: boolean;
  /** How long a change runs before it is judged. */
  validationPeriodMs: number;
  /** A change that worsens a service-level metric by more than this (and significantly) is reverted. */
  degradationThreshold: number;
  /** Converged when a window's improvement stays under this. */
  convergenceThreshold: number;
  /** Length of one observation sample; A/B tests compare samples. */
  sampleMs: number;
  /** On a twin: rank candidates by what-if runs (and skip the ones predicted to hurt). */
  rankWithWhatIf: boolean;
  /** On a twin: how long each what-if run of a candidate is, and its sample length. */
  whatIfWindowMs: number;
  whatIfSampleMs: number;
  /**
   * On a twin: the smallest predicted gain worth a change. A change worth less than what counts as
   * improvement only delays convergence, at a risk; 0 also applies changes predicted neutral
   * (kernel guidance with no measured gain on this workload).
   */
  minWhatIfGain: number;
  /** A knob moved back and forth this many times is frozen. */
  oscillationLimit: number;
  /** A knob whose changes failed this many times in a row is disabled. */
  failureLimit: number;
}

export const DEFAULT_ORCHESTRATOR_CONFIG: OrchestratorConfig = {
  tuningIntervalMs: 5 * 60_000,
  convergenceTargetMs: 30 * 60_000,
  maxConcurrentTuning: 5,
  maxGroupsPerBatch: 5,
  safeTuning: true,
  gradualChanges: true,
  maxStepFactor: 4,
  autoRollback: true,
  validationPeriodMs: 10 * 60_000,
  degradationThreshold: 0.1,
  convergenceThreshold: 0.01,
  sampleMs: 60_000,
  rankWithWhatIf: true,
  whatIfWindowMs: 120_000,
  whatIfSampleMs: 30_000,
  minWhatIfGain: 0.01,
  oscillationLimit: 3,
  failureLimit: 3,
};
