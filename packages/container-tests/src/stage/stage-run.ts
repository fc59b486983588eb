// Names of everything one run of the stage creates. Ryuk, which removes what a testcontainers
// session leaves behind, cannot run where no registry serves its image, so the stage does that
// job itself: every container, network, volume and image of a run carries the run's id in its
// label or name, and the runner removes them at the end, however the suites ended. (The release
// image is named per checkout instead, see release-image.ts.)

export interface StageRunNames {
  readonly runId: string;
  /** The label (`name=value`) on every container the suites start through testcontainers. */
  readonly containerLabel: string;
  readonly network: string;
  /** Compose puts `com.docker.compose.project=<this>` on its containers, networks and volumes. */
  readonly composeProject: string;
}

export function stageRunNames(runId: string): StageRunNames {
  if (!/^[a-z0-9]+$/.test(runId)) throw new Error(`a stage run id is [a-z0-9]+, not "${runId}"`);
  return {
    runId,
    containerLabel: `org.mastercom.container-stage=${runId}`,
    network: `mastercom-stage-${runId}`,
    composeProject: `mastercom-stage-${runId}`,
  };
}
