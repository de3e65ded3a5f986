/** Kubernetes resource quantities (`500m`, `2`, `8Gi`), parsed for validation and sizing. */

/** A quantity this project accepts; its source is the editor schema's pattern too. */
export const QUANTITY_PATTERN = /^(\d+(?:\.\d+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/;

const MULTIPLIERS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** The value of a quantity in base units (cores, bytes), or undefined when it is not one. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY_PATTERN.exec(text);
  return match ? Number(match[1]) * MULTIPLIERS[match[2] ?? ''] : undefined;
}

/** Whether `text` is a quantity this project accepts. */
export function isQuantity(text: string): boolean {
  return parseQuantity(text) !== undefined;
}
