import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import { testWinnerRepositoryContract } from '../contracts/winner-repository.contract.ts';

testWinnerRepositoryContract('in-memory', async () => new InMemoryWinnerRepository());
