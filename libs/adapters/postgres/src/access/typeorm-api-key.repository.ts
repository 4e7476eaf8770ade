import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { ApiKeyRepository } from '@app/credit-application';
import { ApiKeyRecord, Scope } from '@app/credit-domain';
import { ApiKeyRow } from './api-key.typeorm-entity';

const toRecord = (row: ApiKeyRow): ApiKeyRecord => ({ ...row, scopes: row.scopes as Scope[] });

@Injectable()
export class TypeormApiKeyRepository extends ApiKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async create(record: ApiKeyRecord): Promise<void> {
    await this.dataSource.getRepository(ApiKeyRow).insert(record);
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const row = await this.dataSource.getRepository(ApiKeyRow).findOneBy({ id });
    return row ? toRecord(row) : null;
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ApiKeyRow)
      .update({ id, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) > 0;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.dataSource.getRepository(ApiKeyRow).find({ order: { createdAt: 'ASC' } })).map(toRecord);
  }
}
