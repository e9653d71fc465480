// `netsplit serve`: a world's virtual homeservers on real ports, for real Matrix clients,
// bots and bridges (docs/http.md). Prints one line per server, runs until Ctrl-C, then
// stops cleanly (requests being answered finish, the recording gets its last line, the
// ports close). `--replay` runs a recording instead, without any client, and checks that
// it gives the same trace hash.

import { appendFileSync, writeFileSync } from "node:fs";
import { isJsonObject, type JsonObject } from "../../core/index.ts";
import {
  attachHttpAppService,
  ClockDriver,
  EMPTY_SCENARIO,
  endLine,
  FrontEnd,
  headerLine,
  parseRecording,
  RecordingError,
  replayRecording,
  requestLine,
  serveOnPorts,
  servedWorld,
  type Listening,
} from "../../http/index.ts";
import type { Scenario } from "../../scenarios/index.ts";
import { intOption, parseCommandArgs, seedOption, seeHelp } from "../args.ts";
import { EXIT, UsageError, type Command } from "../command.ts";
import { readInputText } from "../input-file.ts";
import { loadScenario } from "../load-scenario.ts";
import { nodeCrypto } from "../node-crypto.ts";

const HELP = `usage: netsplit serve [scenario] [options]

Serve each virtual homeserver's Client-Server API on 127.0.0.1, one port per server in
server order, so that real Matrix clients (matrix-js-sdk, a bot, a browser client) can
use them while the network is cut and healed. Prints one line per server, e.g.
"hs1 http://127.0.0.1:8008"; Ctrl-C stops. Without a scenario: two empty servers, hs1
and hs2. The control API (partition, heal, crash, the trace hash) is under /_netsplit/
on every port: docs/http.md.

options:
  --seed <s>          the seed (default 1)
  --port <p>          the first port (default 8008; 0 picks free ports)
  --lockstep          virtual time runs ahead whenever every client waits in a long-poll
  --speed <x>         virtual ms per real ms (default 1)
  --appservice [<server>=]<file>
                      load an application service's registration (YAML or JSON) onto the
                      server (default: the first); events go to its url with the hs_token
                      (repeatable)
  --record <file>     write every request, with the step and virtual time it was applied at
  --replay <file>     replay a recording without clients; exit 1 if its trace hash differs
  -h, --help          this help

exit codes: 0 stopped cleanly (or the replay matched), 1 the replay differed, 2 bad input`;

const OPTIONS = {
  seed: { type: "string" },
  port: { type: "string" },
  lockstep: { type: "boolean" },
  speed: { type: "string" },
  record: { type: "string" },
  replay: { type: "string" },
  appservice: { type: "string", multiple: true },
} as const;

interface LoadedService {
  server: string;
  registration: JsonObject;
}

/** `--appservice [server=]file`: the registration, parsed as JSON (.json) or YAML (anything else). */
async function loadService(arg: string, servers: readonly string[]): Promise<LoadedService> {
  const m = /^([^=/\\]+)=(.+)$/.exec(arg);
  const server = m ? m[1]! : servers[0]!;
  const file = m ? m[2]! : arg;
  if (!servers.includes(server))
    throw new UsageError(`--appservice ${arg}: no server ${server} (the servers are ${servers.join(", ")})`);
  const text = readInputText(file);
  let parsed: unknown;
  try {
    parsed = file.endsWith(".json") ? JSON.parse(text) : (await import("yaml")).parse(text);
  } catch (e) {
    throw new UsageError(
      `--appservice ${file}: not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${(e as Error).message.split("\n")[0]}`,
    );
  }
  if (!isJsonObject(parsed)) throw new UsageError(`--appservice ${file}: a registration is a mapping of its fields`);
  return { server, registration: parsed };
}

/** Load the services onto the world; a registration the homeserver refuses is bad input. */
function attachServices(frontEnd: FrontEnd, services: readonly LoadedService[], live: boolean): void {
  for (const s of services) {
    try {
      attachHttpAppService(frontEnd.world, s.server, s.registration, live ? { fetch: nodeFetch } : {});
    } catch (e) {
      throw new UsageError(`--appservice: ${(e as Error).message}`);
    }
  }
}

const nodeFetch = async (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => ({
  status: (await fetch(url, init)).status,
});

function scenarioOf(arg: string | undefined): Scenario {
  return arg === undefined || arg === "empty" ? EMPTY_SCENARIO : loadScenario(arg).scenario;
}

function replay(file: string): number {
  let recording;
  try {
    recording = parseRecording(readInputText(file), file);
  } catch (e) {
    if (e instanceof RecordingError) throw new UsageError(e.message);
    throw e;
  }
  const { header } = recording;
  const frontEnd = new FrontEnd(servedWorld(scenarioOf(header.scenario), header.seed, nodeCrypto));
  attachServices(frontEnd, header.appservices ?? [], false);
  try {
    replayRecording(frontEnd, recording, file);
  } catch (e) {
    if (!(e instanceof RecordingError)) throw e;
    process.stderr.write(`netsplit serve: ${e.message}\n`);
    return EXIT.failed;
  }
  const hash = frontEnd.world.trace.hash() ?? null;
  const expected = recording.end?.traceHash;
  process.stdout.write(
    `replayed ${recording.requests.length} requests of ${header.scenario} seed ${header.seed}: ` +
      `${frontEnd.world.sim.steps} steps, ${frontEnd.world.sim.nowMs} ms, trace hash ${hash}\n`,
  );
  if (expected === undefined) {
    process.stderr.write("the recording has no last line (the session was killed): nothing to compare with\n");
    return EXIT.ok;
  }
  if (expected !== hash) {
    process.stdout.write(`✗ the recording says ${expected}\n`);
    return EXIT.failed;
  }
  process.stdout.write("✓ the same trace hash as the recorded session\n");
  return EXIT.ok;
}

async function serve(
  scenarioArg: string | undefined,
  seed: number,
  port: number,
  options: { lockstep: boolean; speed: number; record?: string; appservices: string[] },
): Promise<number> {
  const scenario = scenarioOf(scenarioArg);
  const frontEnd = new FrontEnd(servedWorld(scenario, seed, nodeCrypto));
  const { world } = frontEnd;
  const services: LoadedService[] = [];
  for (const arg of options.appservices) services.push(await loadService(arg, world.serverNames()));
  attachServices(frontEnd, services, true);
  if (options.record) {
    const record = options.record;
    writeFileSync(
      record,
      headerLine({
        netsplit: "recording",
        version: 1,
        scenario: scenarioArg ?? "empty",
        seed,
        mode: options.lockstep ? "lockstep" : "wall",
        ...(services.length > 0 ? { appservices: services } : {}),
      }),
    );
    frontEnd.onApplied((r) => appendFileSync(record, requestLine(r)));
  }
  let listening: Listening;
  try {
    listening = await serveOnPorts(frontEnd, port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "EADDRINUSE"
        ? `port ${port}..${port + world.serverNames().length - 1}: one is in use (pick another with --port, or --port 0)`
        : `cannot listen: ${(e as Error).message}`,
    );
  }
  for (const [name, url] of listening.urls) process.stdout.write(`${name} ${url}\n`);
  const first = [...listening.urls.values()][0];
  process.stderr.write(
    `${scenario.name} seed ${seed}, ${options.lockstep ? "lockstep" : "wall-clock"} time; control API ${first}/_netsplit/status; Ctrl-C stops\n`,
  );
  const driver = new ClockDriver(frontEnd, {
    mode: options.lockstep ? "lockstep" : "wall",
    speed: options.speed,
    realNowMs: () => performance.now(),
  });
  driver.start();
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  // Requests being answered finish first, the clock still running (a client's request is
  // not cut off half-answered); a long-poll nobody ends is cut after a second.
  await listening.drain();
  driver.stop();
  const hash = world.trace.hash() ?? null;
  if (options.record)
    appendFileSync(options.record, endLine({ step: world.sim.steps, atMs: world.sim.nowMs, traceHash: hash }));
  await listening.close();
  process.stderr.write(`stopped at ${world.sim.nowMs} ms virtual, ${world.sim.steps} steps; trace hash ${hash}\n`);
  return EXIT.ok;
}

export const serveCommand: Command = {
  async run(args) {
    const parsed = parseCommandArgs(args, OPTIONS, HELP);
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    if (positionals.length > 1) throw new UsageError(`serve takes at most one scenario ${seeHelp(HELP)}`);
    if (values.replay !== undefined) {
      if (positionals.length > 0 || values.seed !== undefined || values.record !== undefined)
        throw new UsageError(
          "--replay takes the scenario and seed from the recording: give no scenario, --seed or --record",
        );
      return replay(values.replay);
    }
    const seed = seedOption(values.seed, "seed", 1);
    const port = intOption(values.port, "port", 8008, 0);
    if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
    const speed = values.speed === undefined ? 1 : Number(values.speed);
    if (!Number.isFinite(speed) || speed <= 0)
      throw new UsageError(`--speed must be a number > 0, got ${JSON.stringify(values.speed)}`);
    return serve(positionals[0], seed, port, {
      lockstep: values.lockstep ?? false,
      speed,
      appservices: values.appservice ?? [],
      ...(values.record !== undefined ? { record: values.record } : {}),
    });
  },
};
