import {
  InMemoryMarketBoardRepository,
  InMemoryTickerReferenceCache,
} from '../../adapters/memory/in-memory-market-board-repository.ts';
import { testMarketStoreContract } from '../contracts/market-board-repository.contract.ts';

testMarketStoreContract('in memory', async () => ({
  boards: new InMemoryMarketBoardRepository(),
  cache: new InMemoryTickerReferenceCache(),
}));
