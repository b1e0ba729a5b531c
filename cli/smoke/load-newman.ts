// newman is loaded on first use, so `powertune smoke --help` never loads it, and quietly: newman 6.2.2 copies
// every property of `fs` when it loads, and on Node 24 reading `fs.F_OK` prints DEP0176 to stderr, a warning
// about newman's code that the user cannot act on. Node reads process.noDeprecation when a deprecated API is
// used, so it is set for the load alone and put back afterwards.
import type newmanModule from "newman";

export type Newman = typeof newmanModule;

let loaded: Promise<Newman> | undefined;

export function loadNewman(): Promise<Newman> {
  loaded ??= (async () => {
    const before = process.noDeprecation;
    process.noDeprecation = true;
    try {
      return (await import("newman")).default;
    } finally {
      process.noDeprecation = before;
    }
  })();
  return loaded;
}
