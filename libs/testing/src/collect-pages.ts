/** Every page an async walk yields, in order (tests of RatingFeaturesRepository.inPartition and its users). */
export async function collectPages<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}
