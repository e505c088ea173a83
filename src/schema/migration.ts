/** One migration's "up" SQL, ready to apply. */
export interface Migration {
  /** Absolute path of the file. */
  readonly path: string;
  /** Numeric version from the file name (`000012_add_tags.up.sql` -> 12n). */
  readonly version: bigint;
  /** The rest of the file name, for messages (`add_tags`). */
  readonly name: string;
  /**
   * The up section. Lines that belong to other sections (down, markers) are blanked, not
   * removed, so that an offset into `sql` maps to the same line and column of the file.
   */
  readonly sql: string;
  /** Which layout the file was read as. */
  readonly layout: 'golang-migrate' | 'dbmate' | 'goose' | 'plain';
}
