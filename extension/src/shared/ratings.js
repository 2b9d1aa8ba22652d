// Rating words and colours shared by the card, the popup and the badge.
// A rating is always shown in words; the colour only repeats it.

export const RATINGS = Object.freeze({
  false: { label: "False", color: "#b3261e" },
  misleading: { label: "Misleading", color: "#b45309" },
  missing_context: { label: "Missing context", color: "#8a6d00" },
  unproven: { label: "Unproven", color: "#6b4fa3" },
  true: { label: "True", color: "#1b6e3a" },
  satire: { label: "Satire", color: "#1f5fa8" },
  other: { label: "Other", color: "#555555" },
});

/** Returns {key, label, color} for a claim, preferring the curator's rating_text. */
export function describeRating(rating, ratingText = null) {
  const key = Object.hasOwn(RATINGS, rating) ? rating : "other";
  const label = typeof ratingText === "string" && ratingText.trim() ? ratingText.trim() : RATINGS[key].label;
  return { key, label, color: RATINGS[key].color };
}
