// cluster-key-slot (the slot function ioredis routes with) ships no types.
declare module 'cluster-key-slot' {
  /** The Redis Cluster hash slot of a key (0-16383), honouring a {hash tag}. */
  export default function calculateSlot(key: string | Buffer): number;
  /** The slot all the keys share, or -1 when they do not share one. */
  export function generateMulti(keys: (string | Buffer)[]): number;
}
