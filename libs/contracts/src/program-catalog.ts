/**
 * What the contract needs to know of a program to validate an event: whether it
 * exists, and which plans and products it sells. The domain's program rule sets
 * implement it; the contract does not depend on the domain.
 */
export interface ProgramCatalog {
  /** Plan ids in the catalog, or `any` where plans are free-form within a product. */
  readonly plans: readonly string[] | 'any';
  /** Product ids, where the program sells products; `product` is then required. */
  readonly products?: readonly string[];
}

export interface ProgramCatalogs {
  catalogOf(program: string): ProgramCatalog | undefined;
  programIds(): readonly string[];
}
