/**
 * Where the demo loader marks what it wrote, in stores whose records it cannot mark themselves: B_RATING's documents
 * belong to their repositories, so MongoDB gets a list of the demo CPFs beside them. PostgreSQL rows and Elasticsearch
 * events carry their own mark. Embedded stores need none: they die with the process.
 */
export abstract class DemoMarks {
  abstract markRatingSubjects(cpfs: readonly string[], at: Date): Promise<void>;
}

export class NoDemoMarks extends DemoMarks {
  async markRatingSubjects(): Promise<void> {}
}
