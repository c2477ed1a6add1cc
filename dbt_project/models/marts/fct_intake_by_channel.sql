-- 诉求分类情况 by 受理来源 (bulletin 二.2): channels with orders, share of the month's total.
{{ intake_breakdown('channel') }}
