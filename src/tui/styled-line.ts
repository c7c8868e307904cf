/** One pre-laid-out line of a scrollable screen. */
export interface StyledLine {
  text: string;
  bold?: boolean;
  dim?: boolean;
  color?: string;
}
