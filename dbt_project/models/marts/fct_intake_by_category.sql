-- 诉求分类情况 by 受理类别 (bulletin 二.2): categories with orders, share of the month's total.
{{ intake_breakdown('category') }}
