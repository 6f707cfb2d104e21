// Placeholder: replaced by the announcements implementation.
export async function showAnnouncements(container, me, keys) {}
