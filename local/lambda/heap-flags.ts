// Node's heap limits for an environment of M MB, as Lambda's Node.js runtimes set them: their bootstrap
// (in the public base images) gives a tenth of M to the young generation, split into two semi-spaces, and
// the rest to the old generation. The young generation's size sets how often V8 collects, so an
// allocation-heavy handler's CPU time follows these flags on Lambda too.
const MIN_OLD_SPACE_MB = 16;

export function nodeHeapFlags(memoryMb: number): string[] {
  const newSpaceMb = Math.floor(memoryMb / 10);
  return [
    `--max-semi-space-size=${Math.max(1, Math.floor(newSpaceMb / 2))}`,
    `--max-old-space-size=${Math.max(MIN_OLD_SPACE_MB, memoryMb - newSpaceMb)}`,
  ];
}
