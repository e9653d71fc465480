// Shards from a batch system's array-job variables, so one job file can start every
// shard of a sweep (docs/cli.md has a Slurm and a Kubernetes example):
//
//   Slurm (sbatch --array=0-9, or 1-10, or 0-18:2): SLURM_ARRAY_TASK_ID, with the count
//     from SLURM_ARRAY_TASK_COUNT or MIN/MAX (and STEP when the array has one);
//   Kubernetes indexed Jobs: JOB_COMPLETION_INDEX (0-based), with the count from
//     --shards or NETSPLIT_SHARDS (Kubernetes does not expose .spec.completions).

import { UsageError } from "../command.ts";
import { checkedShard, type Shard } from "./seed-range.ts";

export type Env = Readonly<Record<string, string | undefined>>;

function int(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === "") return undefined;
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`${name} must be a whole number, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** The shard this process runs according to its environment, or undefined outside an array job. */
export function shardFromEnv(env: Env, shardsFlag: number | undefined): Shard | undefined {
  const slurmId = int(env, "SLURM_ARRAY_TASK_ID");
  if (slurmId !== undefined) return slurmShard(env, slurmId);
  const k8s = int(env, "JOB_COMPLETION_INDEX");
  if (k8s !== undefined) {
    const count = shardsFlag ?? int(env, "NETSPLIT_SHARDS");
    if (count === undefined) {
      throw new UsageError(
        "JOB_COMPLETION_INDEX is set but not the number of shards: pass --shards N or set NETSPLIT_SHARDS to the Job's completions",
      );
    }
    return checkedShard(k8s, count, "JOB_COMPLETION_INDEX");
  }
  return undefined;
}

function slurmShard(env: Env, id: number): Shard {
  const min = int(env, "SLURM_ARRAY_TASK_MIN") ?? 0;
  const step = int(env, "SLURM_ARRAY_TASK_STEP") ?? 1;
  const max = int(env, "SLURM_ARRAY_TASK_MAX");
  const count =
    int(env, "SLURM_ARRAY_TASK_COUNT") ?? (max !== undefined ? Math.floor((max - min) / step) + 1 : undefined);
  if (count === undefined)
    throw new UsageError(
      "SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MAX: pass --shard I/N",
    );
  if (step < 1 || (id - min) % step !== 0)
    throw new UsageError(
      `SLURM_ARRAY_TASK_ID ${id} is not on the array's range ${min}..${max ?? "?"}:${step}: pass --shard I/N`,
    );
  return checkedShard((id - min) / step, count, "SLURM_ARRAY_TASK_ID");
}
