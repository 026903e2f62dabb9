#!/usr/bin/env node
// Builds packages/server/data/prices.json (USD per million tokens) from LiteLLM's table, corrected
// by Anthropic's official prices (packages/server/src/config/litellmPrices.ts, which `claudelens
// prices update` uses too). Run by a developer when prices change, after building the server:
//   node scripts/build-prices.mjs ../shared/pricing/model_prices_and_context_window.json
import fs from 'node:fs';
import { tableFromLitellm } from '../packages/server/dist/config/litellmPrices.js';

const [source = '../shared/pricing/model_prices_and_context_window.json'] = process.argv.slice(2);
const { models } = tableFromLitellm(JSON.parse(fs.readFileSync(source, 'utf8')));
const out = {
  unit: 'USD per million tokens',
  source: 'LiteLLM model_prices_and_context_window.json (MIT, BerriAI), corrected by Anthropic official prices',
  models,
};
fs.writeFileSync(new URL('../packages/server/data/prices.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${Object.keys(models).length} models`);
