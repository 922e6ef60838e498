import { describe, expect, it, vi } from 'vitest';
import { announceSignOut, onSignOutElsewhere } from '../../../web/shared/agent-session';

const alex = { key: 'sk_secret', agentId: 'agent_alex', agentName: 'Alex' };
const sam = { key: 'sk_secret', agentId: 'agent_sam', agentName: 'Sam' };

describe("an agent's sign-out across the browser's pages", () => {
  it('lets the pages holding that agent\'s session go (the audit tab opened from the inbox), not those of another agent', async () => {
    const auditTab = vi.fn();
    const otherAgentsTab = vi.fn();
    onSignOutElsewhere(alex, auditTab);
    onSignOutElsewhere(sam, otherAgentsTab);
    announceSignOut(alex);
    await vi.waitFor(() => expect(auditTab).toHaveBeenCalledTimes(1));
    expect(otherAgentsTab).not.toHaveBeenCalled();
  });
});
