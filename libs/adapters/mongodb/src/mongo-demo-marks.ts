import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { DemoMarks } from '@app/credit-application';

/** The CPFs whose rating features and ratings the demo loader wrote, a document each (`npm run demo -- remove`). */
export const DEMO_RECORDS_COLLECTION = 'demo_records';

@Injectable()
export class MongoDemoMarks extends DemoMarks {
  constructor(@InjectConnection() private readonly connection: Connection) {
    super();
  }

  async markRatingSubjects(cpfs: readonly string[], at: Date): Promise<void> {
    const collection = this.connection.collection<{ _id: string; loadedAt: Date }>(DEMO_RECORDS_COLLECTION);
    for (let i = 0; i < cpfs.length; i += 1000) {
      const chunk = cpfs.slice(i, i + 1000);
      await collection.bulkWrite(
        chunk.map((cpf) => ({
          updateOne: { filter: { _id: cpf }, update: { $setOnInsert: { loadedAt: at } }, upsert: true },
        })),
        { ordered: false },
      );
    }
  }
}
