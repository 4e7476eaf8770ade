import type { mongo } from 'mongoose';

type Collection<T extends mongo.Document> = mongo.Collection<T>;

/** How many equality look-ups run at once where a `$in` cannot use an index. */
const POINT_LOOKUP_CONCURRENCY = 16;
/** Values per `$in` query where it can. */
const IN_CHUNK = 1_000;

/**
 * FerretDB 1.x pushes only equality on one field down to PostgreSQL: `{cpf: {$in: [...]}}` decodes the whole collection
 * there, where `{cpf: x}` is an index look-up (docs/implementation-notes.md). MongoDB answers a `$in` from its index in
 * one round trip. So the server is asked once which it is.
 */
export class MongoLookups {
  private pointOnly?: Promise<boolean>;

  constructor(private readonly db: () => mongo.Db) {}

  /** Every document whose `field` equals one of `values`. */
  async findMany<T extends mongo.Document>(
    collection: Collection<T>,
    field: string,
    values: readonly (string | number)[],
  ): Promise<T[]> {
    if (values.length === 0) return [];
    const found: T[] = [];
    if (await this.equalityOnly()) {
      const queue = [...values];
      const worker = async () => {
        for (let v = queue.pop(); v !== undefined; v = queue.pop()) {
          found.push(...((await collection.find({ [field]: v } as mongo.Filter<T>).toArray()) as T[]));
        }
      };
      await Promise.all(Array.from({ length: Math.min(POINT_LOOKUP_CONCURRENCY, values.length) }, worker));
      return found;
    }
    for (let i = 0; i < values.length; i += IN_CHUNK) {
      found.push(
        ...((await collection
          .find({ [field]: { $in: values.slice(i, i + IN_CHUNK) } } as mongo.Filter<T>)
          .toArray()) as T[]),
      );
    }
    return found;
  }

  /** True on FerretDB (its buildInfo names its own version). */
  equalityOnly(): Promise<boolean> {
    if (this.pointOnly) return this.pointOnly;
    const asked = this.db()
      .admin()
      .command({ buildInfo: 1 })
      .then((info: mongo.Document) => typeof info.ferretdbVersion === 'string')
      .catch(() => {
        // Unknown this time: assume MongoDB (both answers are correct, one is slower), and ask again next time.
        this.pointOnly = undefined;
        return false;
      });
    this.pointOnly = asked;
    return asked;
  }
}

/** Inserts in bulk, in no order, skipping documents whose _id is already stored (a repeated write). */
export async function insertIgnoringDuplicates<T extends mongo.Document>(
  collection: Collection<T>,
  docs: readonly T[],
): Promise<void> {
  if (docs.length === 0) return;
  try {
    await collection.insertMany(docs as never[], { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
    const errors = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : null;
    if (
      !errors ||
      errors.length === 0 ||
      errors.some((e: { code?: number; err?: { code?: number } }) => (e.code ?? e.err?.code) !== 11000)
    )
      throw error;
  }
}
