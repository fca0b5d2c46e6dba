import type { ProgramCatalog, ProgramCatalogs } from '@referrals/contracts';
import { Program, programSchema } from './program.schema';
import kallyai from './builtin/kallyai.json';
import callrail from './builtin/callrail.json';
import smithai from './builtin/smithai.json';

export const BUILTIN_PROGRAM_FILES: readonly unknown[] = [kallyai, callrail, smithai];

/** The programs an engine knows, by id; it is also the catalog the contract validates against. */
export class ProgramRegistry implements ProgramCatalogs {
  private readonly programs = new Map<string, Program>();
  private readonly catalogs = new Map<string, ProgramCatalog>();

  constructor(programs: Iterable<Program>) {
    for (const program of programs) this.put(program);
  }

  /** The three seed programs, plus any `extra` that add or replace one by id. */
  static withBuiltins(extra: Iterable<Program> = []): ProgramRegistry {
    const registry = new ProgramRegistry(BUILTIN_PROGRAM_FILES.map((p) => programSchema.parse(p)));
    for (const program of extra) registry.put(program);
    return registry;
  }

  get(id: string): Program | undefined {
    return this.programs.get(id);
  }

  require(id: string): Program {
    const program = this.programs.get(id);
    if (!program) throw new Error(`unknown program ${id}`);
    return program;
  }

  all(): Program[] {
    return [...this.programs.values()];
  }

  catalogOf(id: string): ProgramCatalog | undefined {
    return this.catalogs.get(id);
  }

  programIds(): string[] {
    return [...this.programs.keys()];
  }

  private put(program: Program): void {
    this.programs.set(program.id, program);
    this.catalogs.set(program.id, {
      plans: program.plans === 'any' ? 'any' : program.plans.map((p) => p.id),
      products: program.products,
    });
  }
}
