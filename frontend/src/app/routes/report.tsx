import { useParams } from 'react-router';

import { ReportDetail } from '@/features/reports/components/report-detail';

export function ReportRoute() {
  const { id = '' } = useParams();
  return <ReportDetail key={id} id={id} />;
}
