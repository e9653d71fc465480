// `netsplit sweep` runs in a process started with V8's --single-threaded-gc, so that each
// worker thread collects its own garbage: V8's helper threads for the heap serve the whole
// process, and with one worker per CPU they only compete with the workers (one worker
// alone used 1.4 CPUs). A worker cannot be given V8 flags of its own, and setting the flag
// in a running process (v8.setFlagsFromString) can crash a collection already under way,
// so the command starts node again with the flag, once, and passes on how it ended.

const FLAG = "--single-threaded-gc";

/** Whether this process must start again with the flag (a sweep in a process without it). */
export function needsSingleThreadedGc(argv = process.argv.slice(2)) {
  return argv[0] === "sweep" && !process.execArgv.includes(FLAG);
}

/**
 * Run the same command in a child node with the flag; resolves when this process has its
 * exit code. node:child_process is loaded only here: every other command starts without it.
 */
export async function rerunWithSingleThreadedGc() {
  const { spawn } = await import("node:child_process");
  // The IPC channel is only a lifeline: should this process be killed with SIGKILL (which
  // cannot be passed on), the channel closes and the child stops too (leaveWithParent),
  // instead of writing on in the background while a new sweep finds its lock held.
  const child = spawn(process.execPath, [...process.execArgv, FLAG, ...process.argv.slice(1)], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
  });
  // Ctrl-C reaches the child through the terminal's process group; a signal sent to this
  // process alone (kill, a batch system's time limit) is passed on.
  const forward = (signal) => child.kill(signal);
  process.on("SIGINT", () => {});
  process.on("SIGTERM", forward);
  process.on("SIGHUP", forward);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal) {
        // End the way the child did, so that a caller sees the same signal.
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
      resolve(code ?? 1);
    });
  });
}

/** In the child started by rerunWithSingleThreadedGc: end as if killed when the parent is gone. */
export function leaveWithParent() {
  if (!process.channel) return;
  process.channel.unref(); // the lifeline alone must not keep this process running
  process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
}
