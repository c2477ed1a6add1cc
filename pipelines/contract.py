"""The input contract (../shared/spec/contract.md) as data: every input, its columns and their rules.

One place describes the inputs; the loaders, the raw assets, the demo generator and the
validation suites all read it, so a column added here reaches all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ColumnType(StrEnum):
    TEXT = "text"
    TIMESTAMP = "timestamp"
    BOOL = "bool"
    DECIMAL = "decimal"
    INTEGER = "integer"
    ENUM = "enum"


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    chinese: str | None = None
    #: the column must be present in the file's header; absent optional columns are all-null
    required_in_header: bool = True
    #: personal data: hashed or dropped before it reaches the warehouse
    personal: bool = False
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class InputSpec:
    name: str
    title: str
    columns: tuple[Column, ...]
    required_file: bool = False
    #: the reference table lives beside the month folders (a month folder's copy wins)
    reference: bool = False
    id_column: str | None = None

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


UNIT_GROUPS = ("县区", "区及功能板块", "市级部门及单位", "不参与考评")
RANKED_GROUPS = ("县区", "区及功能板块", "市级部门及单位")
GROUP_FULL_MARKS = {"县区": 150, "区及功能板块": 100, "市级部门及单位": 100}

CHANNELS = (
    "电话", "监督员上报", "微信", "省12345平台交办", "市民APP", "门户网站", "视频监控", "邮件", "好差评",
)
CATEGORIES = ("咨询", "信息采集上报", "求助", "建议", "表扬", "举报", "投诉")
HANDLINGS = ("直接办理", "交办")
DISPATCH_LEVELS = ("市派", "省派")
VISIT_RESULTS = ("满意", "基本满意", "不满意", "未回访")
INSPECTION_ITEMS = ("答复规范", "首次回应")
TEST_CALL_TARGETS = ("热线坐席", "值班电话")
COUNTY_RECORD_STATUSES = ("办理中", "已办结")
APPEAL_ITEMS = ("回访满意率", "按时办结率", "及时签收率")
APPEAL_DECISIONS = ("通过", "不通过", "待审核")

T = ColumnType

UNITS = InputSpec(
    name="units",
    title="成员单位",
    reference=True,
    required_file=True,
    id_column="unit_code",
    columns=(
        Column("unit_code", T.TEXT, "单位编码"),
        Column("unit_name", T.TEXT, "单位名称"),
        Column("unit_group", T.ENUM, "考评组", values=UNIT_GROUPS),
    ),
)

ORDERS = InputSpec(
    name="orders",
    title="诉求/工单",
    required_file=True,
    id_column="order_id",
    columns=(
        Column("order_id", T.TEXT, "工单编号"),
        Column("received_at", T.TIMESTAMP, "受理时间"),
        Column("channel", T.ENUM, "受理来源", values=CHANNELS),
        Column("category", T.ENUM, "受理类别", values=CATEGORIES),
        Column("handling", T.ENUM, "办理方式", values=HANDLINGS),
        Column("dispatch_level", T.ENUM, "派单层级", values=DISPATCH_LEVELS),
        Column("supervision", T.BOOL, "国务院互联网+督查", required_in_header=False),
        Column("unit_code", T.TEXT, "承办单位编码"),
        Column("dispatched_at", T.TIMESTAMP, "交办时间"),
        Column("sign_deadline", T.TIMESTAMP, "签收时限", required_in_header=False),
        Column("signed_at", T.TIMESTAMP, "签收时间"),
        Column("due_at", T.TIMESTAMP, "办结时限", required_in_header=False),
        Column("completed_at", T.TIMESTAMP, "办结时间"),
        Column("visit_result", T.ENUM, "回访结果", values=VISIT_RESULTS),
        Column("caller_phone", T.TEXT, "来电号码", required_in_header=False, personal=True),
        Column("content", T.TEXT, "诉求内容", required_in_header=False, personal=True),
    ),
)

INSPECTIONS = InputSpec(
    name="inspections",
    title="工单抽检",
    id_column="inspection_id",
    columns=(
        Column("inspection_id", T.TEXT, "抽检编号"),
        Column("unit_code", T.TEXT, "单位编码"),
        Column("order_id", T.TEXT, "工单编号", required_in_header=False),
        Column("inspected_at", T.TIMESTAMP, "抽检时间"),
        Column("item", T.ENUM, "抽检项目", values=INSPECTION_ITEMS),
        Column("passed", T.BOOL, "是否通过"),
        Column("finding", T.TEXT, "问题描述", required_in_header=False),
    ),
)

TEST_CALLS = InputSpec(
    name="test_calls",
    title="实例拨测",
    id_column="call_id",
    columns=(
        Column("call_id", T.TEXT, "拨测编号"),
        Column("unit_code", T.TEXT, "单位编码"),
        Column("called_at", T.TIMESTAMP, "拨测时间"),
        Column("target", T.ENUM, "拨测对象", values=TEST_CALL_TARGETS),
        Column("passed", T.BOOL, "是否通过"),
        Column("deduction", T.DECIMAL, "扣分"),
        Column("reason", T.TEXT, "扣分原因", required_in_header=False),
    ),
)

KNOWLEDGE_TASKS = InputSpec(
    name="knowledge_tasks",
    title="知识储备",
    id_column="task_id",
    columns=(
        Column("task_id", T.TEXT, "任务编号"),
        Column("unit_code", T.TEXT, "单位编码"),
        Column("due_at", T.TIMESTAMP, "填报时限"),
        Column("submitted_at", T.TIMESTAMP, "填报时间"),
    ),
)

COUNTY_RECORDS = InputSpec(
    name="county_records",
    title="县区数据对接",
    id_column="record_id",
    columns=(
        Column("record_id", T.TEXT, "记录编号"),
        Column("county_code", T.TEXT, "县区编码"),
        Column("received_at", T.TIMESTAMP, "受理时间"),
        Column("channel", T.TEXT, "受理来源"),
        Column("category", T.TEXT, "受理类别"),
        Column("content", T.TEXT, "诉求内容", personal=True),
        Column("status", T.ENUM, "办理状态", values=COUNTY_RECORD_STATUSES),
        Column("reply", T.TEXT, "办理结果"),
        Column("completed_at", T.TIMESTAMP, "办结时间"),
        Column("due_at", T.TIMESTAMP, "办结时限"),
        Column("visit_result", T.ENUM, "回访结果", values=VISIT_RESULTS),
        Column("updated_at", T.TIMESTAMP, "更新时间"),
        Column("pushed_at", T.TIMESTAMP, "推送时间"),
    ),
)

INTERFACE_PROBES = InputSpec(
    name="interface_probes",
    title="接口探测",
    columns=(
        Column("county_code", T.TEXT, "县区编码"),
        Column("probed_at", T.TIMESTAMP, "探测时间"),
        Column("ok", T.BOOL, "是否正常"),
        Column("latency_ms", T.INTEGER, "响应时间", required_in_header=False),
    ),
)

COUNTY_ASSESSMENTS = InputSpec(
    name="county_assessments",
    title="县区月度评分",
    id_column="county_code",
    columns=(
        Column("county_code", T.TEXT, "县区编码"),
        Column("integration_score", T.DECIMAL, "一体化建设"),
        Column("deduction", T.DECIMAL, "扣分项扣分"),
        Column("deduction_reason", T.TEXT, "扣分原因", required_in_header=False),
    ),
)

APPEALS = InputSpec(
    name="appeals",
    title="申诉",
    id_column="appeal_id",
    columns=(
        Column("appeal_id", T.TEXT, "申诉编号"),
        Column("order_id", T.TEXT, "工单编号"),
        Column("unit_code", T.TEXT, "申诉单位编码"),
        Column("item", T.ENUM, "申诉事项", values=APPEAL_ITEMS),
        Column("submitted_at", T.TIMESTAMP, "申诉时间"),
        Column("decision", T.ENUM, "审核结果", values=APPEAL_DECISIONS),
        Column("decided_at", T.TIMESTAMP, "审核时间"),
        # free text that may hold personal data: masked in raw, never copied out of it
        Column("reason", T.TEXT, "申诉理由", required_in_header=False, personal=True),
    ),
)

INPUTS: tuple[InputSpec, ...] = (
    UNITS,
    ORDERS,
    INSPECTIONS,
    TEST_CALLS,
    KNOWLEDGE_TASKS,
    COUNTY_RECORDS,
    INTERFACE_PROBES,
    COUNTY_ASSESSMENTS,
    APPEALS,
)
INPUTS_BY_NAME: dict[str, InputSpec] = {spec.name: spec for spec in INPUTS}

FILE_EXTENSIONS = ("csv", "xlsx", "xls", "parquet")
