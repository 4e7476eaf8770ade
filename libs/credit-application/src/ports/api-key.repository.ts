import { ApiKeyRecord } from '@app/credit-domain';

export abstract class ApiKeyRepository {
  abstract create(record: ApiKeyRecord): Promise<void>;
  abstract findById(id: string): Promise<ApiKeyRecord | null>;
  abstract revoke(id: string, at: Date): Promise<boolean>;
  abstract list(): Promise<ApiKeyRecord[]>;
}
