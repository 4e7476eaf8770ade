import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { RatingFeaturesRepository, StoredFeatures } from '@app/credit-application';
import { RatingFeatures, PartitionLevel, partitionKeyOf } from '@app/credit-domain';

@Injectable()
export class InMemoryRatingFeaturesRepository extends RatingFeaturesRepository {
  private readonly byCpf = new Map<string, RatingFeatures>();

  async findByCpf(cpf: Cpf): Promise<RatingFeatures | null> {
    return this.byCpf.get(cpf.value) ?? null;
  }

  async save(features: RatingFeatures): Promise<void> {
    this.byCpf.set(features.props.cpf.value, features);
  }

  async findMany(cpfs: readonly Cpf[]): Promise<Map<string, StoredFeatures>> {
    const found = new Map<string, StoredFeatures>();
    for (const cpf of cpfs) {
      const features = this.byCpf.get(cpf.value);
      if (features) found.set(cpf.value, { cpf: cpf.value, features });
    }
    return found;
  }

  async *inPartition(level: PartitionLevel, key: number, pageSize: number): AsyncIterable<StoredFeatures[]> {
    if (pageSize <= 0) throw new RangeError('pageSize must be positive');
    const matching = [...this.byCpf.values()].filter((f) => partitionKeyOf(level, f.props.cpf.value) === key);
    for (let i = 0; i < matching.length; i += pageSize) {
      yield matching.slice(i, i + pageSize).map((features) => ({ cpf: features.props.cpf.value, features }));
    }
  }

  /** Exact: the map's size. */
  async estimatedCount(): Promise<number> {
    return this.byCpf.size;
  }
}
