import type { ModelPrice, PriceBook } from './pricing.js';

// A model the table has no price for is still shown with what it would cost, priced like the
// nearest version of its family (claude-opus-4-9 like claude-opus-4-8): an estimate, labelled as
// such, never added to a total. A model whose family the table does not know stays unknown.

interface Parsed {
  family: string;
  /** major * 100 + minor: 4-10 sorts after 4-9. */
  version: number;
}

const NEW_STYLE = /^claude-([a-z]+)-(\d{1,2})(?:-(\d{1,2}))?(?:-\d{8}|-latest)?$/; // claude-opus-4-7, claude-sonnet-4-5-20250929
const OLD_STYLE = /^claude-(\d{1,2})(?:-(\d{1,2}))?-([a-z]+)(?:-\d{8}|-latest)?$/; // claude-3-5-sonnet-20240620
const PROVIDER_PREFIX = /^(?:anthropic[/.]|(?:us|eu|apac|global|au|jp)\.anthropic\.)/;

function parse(model: string): Parsed | undefined {
  const id = model.replace(PROVIDER_PREFIX, '');
  const fresh = NEW_STYLE.exec(id);
  if (fresh) return { family: fresh[1] as string, version: Number(fresh[2]) * 100 + Number(fresh[3] ?? 0) };
  const old = OLD_STYLE.exec(id);
  if (old) return { family: old[3] as string, version: Number(old[1]) * 100 + Number(old[2] ?? 0) };
  return undefined;
}

/** The price of the nearest version of the model's family (the newer on a tie), and which model that is. */
export function inferPrice(model: string, book: PriceBook): { price: ModelPrice; basis: string } | undefined {
  const wanted = parse(model);
  if (!wanted) return undefined;
  let best: { price: ModelPrice; basis: string; distance: number; version: number } | undefined;
  for (const [basis, price] of Object.entries(book.table.models)) {
    const known = parse(basis);
    if (!known || known.family !== wanted.family) continue;
    const distance = Math.abs(known.version - wanted.version);
    if (!best || distance < best.distance || (distance === best.distance && (known.version > best.version || (known.version === best.version && basis < best.basis)))) {
      best = { price, basis, distance, version: known.version };
    }
  }
  return best && { price: best.price, basis: best.basis };
}
