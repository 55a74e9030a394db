import { InMemoryBarArchive } from '../../adapters/memory/in-memory-bar-archive.ts';
import { testBarArchiveContract } from '../contracts/bar-archive.contract.ts';

testBarArchiveContract('in memory', async () => new InMemoryBarArchive());
