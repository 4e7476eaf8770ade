/** Every page an async walk yields, in order (tests of RatingFeaturesRepository.inPartition and its users). */
export async function collectPages<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** The first page of an async walk, closing the walk there as a job that stops early would; [] when it is empty. */
export async function firstPage<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  for await (const page of pages) return page;
  return [];
}
