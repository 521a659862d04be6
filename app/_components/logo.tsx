/** Hako's mark: a box (箱). Drawn, not typed, so it shows on hosts without CJK fonts. */
export function Logo() {
  return (
    <span className="inline-flex items-center gap-2">
      <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round">
        <path d="M12 2.5 3 7v10l9 4.5 9-4.5V7z" />
        <path d="M3 7l9 4.5L21 7M12 11.5v10" />
      </svg>
      Hako
    </span>
  );
}
