import { Cpf, DAY_MS, Cnpj } from '@app/shared-kernel';
import { TransactionEventInput } from '@app/credit-domain';
import { UpsertConsumerInput } from '../upsert-consumer/upsert-consumer.command';
import { UpsertRatingFeaturesInput } from '../upsert-rating-features/upsert-rating-features.command';

/** The first demo consumer, quoted in the README and Swagger examples. */
export const DEMO_CPF = '12345678909';

interface DemoConsumer {
  consumer: UpsertConsumerInput;
  features: UpsertRatingFeaturesInput;
  events: TransactionEventInput[];
}

/** Small, fast, seeded PRNG (mulberry32): the same seed gives the same demo base on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Ana',
  'Bruno',
  'Carla',
  'Diego',
  'Elisa',
  'Fábio',
  'Gabriela',
  'Heitor',
  'Isabela',
  'João',
  'Larissa',
  'Marcos',
  'Natália',
  'Otávio',
  'Paula',
  'Rafael',
  'Sofia',
  'Tiago',
  'Valéria',
  'Wagner',
];
const LAST = [
  'Silva',
  'Santos',
  'Oliveira',
  'Souza',
  'Rodrigues',
  'Ferreira',
  'Alves',
  'Pereira',
  'Lima',
  'Gomes',
  'Costa',
  'Ribeiro',
  'Martins',
  'Carvalho',
  'Almeida',
];
const CITIES: [string, string, string][] = [
  ['São Paulo', 'SP', '01310'],
  ['Rio de Janeiro', 'RJ', '20040'],
  ['Belo Horizonte', 'MG', '30130'],
  ['Curitiba', 'PR', '80010'],
  ['Porto Alegre', 'RS', '90010'],
  ['Salvador', 'BA', '40020'],
  ['Recife', 'PE', '50030'],
  ['Fortaleza', 'CE', '60060'],
  ['Brasília', 'DF', '70040'],
];
const STREETS = [
  'Rua das Flores',
  'Avenida Brasil',
  'Rua XV de Novembro',
  'Avenida Paulista',
  'Rua da Consolação',
  'Rua Sete de Setembro',
];
const CREDITORS = [
  'Banco Horizonte S.A.',
  'Financeira Aurora',
  'Loja Magna Varejo',
  'Operadora Conecta Telecom',
  'Cartões Estrela',
];
const MERCHANTS: [string, string][] = [
  ['Supermercado Bom Preço', '5411'],
  ['Posto Avenida', '5541'],
  ['Farmácia Saúde', '5912'],
  ['Restaurante Sabor', '5812'],
  ['Loja Eletro', '5732'],
  ['Livraria Central', '5942'],
];
const INQUIRERS = ['Banco Horizonte S.A.', 'Financeira Aurora', 'Loja Magna Varejo', 'Imobiliária Lar'];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

function cpfFrom(base: number): string {
  const base9 = String(base).padStart(9, '0');
  return base9 + Cpf.checkDigits(base9);
}

function cnpjFrom(n: number): string {
  const base12 = `${String(n).padStart(8, '0')}0001`;
  return base12 + Cnpj.checkDigits(base12);
}

const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10);

/**
 * A deterministic demo base of `count` consumers around a reference day: valid CPFs, debts (some overdue,
 * some older than five years so the reporting limit shows), assets, income sources and ~20 events each.
 */
export function generateDemoConsumers(count: number, referenceDay: Date, seed = 20261125): DemoConsumer[] {
  const rnd = seededRandom(seed);
  const today = Date.UTC(referenceDay.getUTCFullYear(), referenceDay.getUTCMonth(), referenceDay.getUTCDate());
  const seen = new Set<string>();
  const result: DemoConsumer[] = [];
  for (let i = 0; result.length < count; i++) {
    const cpf = i === 0 ? DEMO_CPF : cpfFrom(100_000_000 + Math.floor(rnd() * 899_999_999));
    if (seen.has(cpf) || !Cpf.isValid(cpf)) continue;
    seen.add(cpf);
    const n = result.length;
    const [city, state, cep] = pick(rnd, CITIES);
    const address = {
      street: pick(rnd, STREETS),
      number: String(1 + Math.floor(rnd() * 2000)),
      complement: rnd() < 0.3 ? `Apto ${10 + Math.floor(rnd() * 200)}` : null,
      district: 'Centro',
      city,
      state,
      postalCode: `${cep}${String(Math.floor(rnd() * 1000)).padStart(3, '0')}`,
    };
    const risk = rnd();
    const debts = Array.from({ length: Math.floor(rnd() * 4) }, (_, d) => {
      const ageDays = Math.floor(rnd() * (risk > 0.8 ? 2400 : 400)) - 60;
      const due = today - ageDays * DAY_MS;
      const overdue = ageDays > 0 && rnd() < risk;
      return {
        id: `debt-${n}-${d}`,
        creditor: CREDITORS[d % CREDITORS.length],
        creditorCnpj: cnpjFrom(11_111_000 + d * 7919),
        amountCents: 5_000 + Math.floor(rnd() * 800_000),
        dueDate: day(due),
        status: ageDays <= 0 ? 'OPEN' : overdue ? 'OVERDUE' : rnd() < 0.5 ? 'PAID' : 'RENEGOTIATED',
        limitationDate: null,
      };
    });
    const age = 19 + Math.floor(rnd() * 60);
    const birth = new Date(today - (age * 365.25 + Math.floor(rnd() * 300)) * DAY_MS);
    const salary = 150_000 + Math.floor(rnd() * (risk < 0.3 ? 2_500_000 : 800_000));
    const incomeSources = [
      {
        kind: age > 65 ? 'PENSION' : 'SALARY',
        monthlyAmountCents: salary,
        since: day(today - Math.floor(rnd() * 3650 + 30) * DAY_MS),
      },
    ];
    if (rnd() < 0.25)
      incomeSources.push({
        kind: 'RENTAL',
        monthlyAmountCents: 50_000 + Math.floor(rnd() * 300_000),
        since: day(today - Math.floor(rnd() * 2000 + 30) * DAY_MS),
      });
    const assets = [];
    if (rnd() < 0.35) {
      const financed = rnd() < 0.5;
      const value = 20_000_000 + Math.floor(rnd() * 80_000_000);
      assets.push({
        kind: 'REAL_ESTATE',
        valueCents: value,
        financed,
        outstandingCents: financed ? Math.floor(value * rnd() * 0.8) : 0,
      });
    }
    if (rnd() < 0.5) {
      const financed = rnd() < 0.6;
      const value = 3_000_000 + Math.floor(rnd() * 12_000_000);
      assets.push({
        kind: 'VEHICLE',
        valueCents: value,
        financed,
        outstandingCents: financed ? Math.floor(value * rnd() * 0.9) : 0,
      });
    }
    if (rnd() < 0.4)
      assets.push({
        kind: 'INVESTMENT',
        valueCents: 100_000 + Math.floor(rnd() * 20_000_000),
        financed: false,
        outstandingCents: 0,
      });
    const events: TransactionEventInput[] = [];
    const eventCount = 12 + Math.floor(rnd() * 16);
    for (let e = 0; e < eventCount; e++) {
      const at = iso(today - Math.floor(rnd() * 180 * DAY_MS) - 3_600_000);
      const r = rnd();
      const eventId = `demo-${cpf}-${e}`;
      if (r < 0.1 + risk * 0.1)
        events.push({
          eventId,
          cpf,
          type: 'BUREAU_INQUIRY',
          occurredAt: at,
          inquirer: pick(rnd, INQUIRERS),
          purpose: 'CREDIT_GRANTING',
        });
      else if (r < 0.55) {
        const kind = pick(rnd, [
          'SALARY',
          'TRANSFER_IN',
          'TRANSFER_OUT',
          'BILL_PAYMENT',
          'LOAN_PAYMENT',
          'WITHDRAWAL',
        ] as const);
        const sign = kind === 'SALARY' || kind === 'TRANSFER_IN' ? 1 : -1;
        events.push({
          eventId,
          cpf,
          type: 'FINANCIAL_MOVEMENT',
          occurredAt: at,
          kind,
          amountCents: sign * (kind === 'SALARY' ? salary : 1_000 + Math.floor(rnd() * 300_000)),
        });
      } else {
        const [merchant, mcc] = pick(rnd, MERCHANTS);
        events.push({
          eventId,
          cpf,
          type: 'CARD_PURCHASE',
          occurredAt: at,
          merchant,
          mcc,
          amountCents: 500 + Math.floor(rnd() * 150_000),
          installments: rnd() < 0.2 ? 1 + Math.floor(rnd() * 12) : 1,
          approved: rnd() > risk * 0.3,
          cardLast4: String(1000 + (n % 9000)),
        });
      }
    }
    result.push({
      consumer: { cpf, name: `${pick(rnd, FIRST)} ${pick(rnd, LAST)} ${pick(rnd, LAST)}`, address, debts },
      features: { cpf, birthDate: day(birth.getTime()), address, assets, incomeSources },
      events,
    });
  }
  return result;
}
