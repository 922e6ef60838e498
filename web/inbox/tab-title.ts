/**
 * The inbox tab's title, with how many conversations of its list have something unread first
 * ("(2) Support inbox"), as mail and chat inboxes do: an agent working in another tab sees there
 * that messages wait, where nothing else of a hidden tab shows.
 */
export function tabTitle(pageTitle: string, unreadConversations: number): string {
  return unreadConversations > 0 ? `(${unreadConversations}) ${pageTitle}` : pageTitle;
}
