import { useId, useState } from 'react';

import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { useEndSession, useSessions, type SessionInfo } from '@/features/account/api/sessions';
import { describeUserAgent } from '@/features/account/utils/user-agent';
import { problemMessage } from '@/lib/api/problem-message';
import { useSignOut } from '@/lib/auth/use-sign-out';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

/** The signed-in devices, each with "sign out this device". */
export function SessionsList() {
  const { t } = useI18n();
  const sessions = useSessions();
  const end = useEndSession();
  const { signOut, pending: signingOut } = useSignOut();
  const [ended, setEnded] = useState<string | null>(null);

  const deviceName = (s: SessionInfo) => {
    const d = describeUserAgent(s.user_agent);
    return d ? t('device.browserOn', d) : t('device.unknown');
  };

  return (
    <Card title={t('account.sessionsTitle')} description={t('account.sessionsIntro')} id="sessions">
      {ended ? <Alert tone="success">{t('account.sessionEnded', { device: ended })}</Alert> : null}
      {end.isError ? <Alert tone="error">{problemMessage(t, end.error)}</Alert> : null}
      {sessions.isPending ? (
        <LoadingState label={t('common.loading')} />
      ) : sessions.isError ? (
        <ErrorState
          message={`${t('account.sessionsLoadFailed')} ${problemMessage(t, sessions.error)}`}
          onRetry={() => void sessions.refetch()}
          retryLabel={t('common.retry')}
        />
      ) : sessions.data.length === 0 ? (
        <EmptyState title={t('account.sessionsEmpty')} />
      ) : (
        <ul className="session-list">
          {sessions.data.map((s) => (
            <SessionRow
              key={s.id}
              session={s}
              name={deviceName(s)}
              busy={(end.isPending && end.variables === s.id) || (s.current && signingOut)}
              onSignOut={() => {
                if (s.current) {
                  void signOut();
                  return;
                }
                setEnded(null);
                end.mutate(s.id, { onSuccess: () => setEnded(deviceName(s)) });
              }}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}

function SessionRow({ session, name, busy, onSignOut }: { session: SessionInfo; name: string; busy: boolean; onSignOut: () => void }) {
  const { t } = useI18n();
  const format = useFormat();
  const nameId = useId();
  return (
    <li className={session.current ? 'session session--current' : 'session'}>
      <div className="session__icon" aria-hidden="true">
        <svg viewBox="0 0 24 24" width="22" height="22" focusable="false">
          <rect x="3" y="4.5" width="18" height="12" rx="2" fill="none" stroke="currentColor" strokeWidth="1.7" />
          <path d="M8 20h8M12 16.5V20" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" />
        </svg>
      </div>
      <div className="session__body">
        <p className="session__name" id={nameId}>
          {name} {session.current ? <Badge tone="success">{t('account.sessionCurrent')}</Badge> : null}
        </p>
        <ul className="session__meta">
          {session.last_active_at ? <li>{t('account.sessionLastActive', { date: format.dateTime(session.last_active_at) })}</li> : null}
          <li>{t('account.sessionExpires', { date: format.dateTime(session.expires_at) })}</li>
          {session.ip ? <li>{t('account.sessionIp', { ip: session.ip })}</li> : null}
        </ul>
      </div>
      <div className="session__actions">
        <Button
          variant="secondary"
          onClick={onSignOut}
          loading={busy}
          loadingText={t('account.sessionSigningOut')}
          aria-describedby={nameId}
        >
          {t('account.sessionSignOut')}
        </Button>
      </div>
    </li>
  );
}
