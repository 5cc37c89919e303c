//! Every word the console shows, in one catalogue per language. Pages and templates take their
//! text from a `Messages`; adding a language is adding one more value of it.

use actix_web::http::StatusCode;

/// The console's text in one language.
pub struct Messages {
    pub lang: &'static str,
    pub app_name: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_queue: &'static str,
    pub nav_stations: &'static str,
    pub logout: &'static str,
    pub skip_to_content: &'static str,

    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub phone: &'static str,
    pub password: &'static str,
    pub login_submit: &'static str,
    pub login_wrong: &'static str,
    pub login_resident: &'static str,
    pub login_expired: &'static str,
    pub login_logged_out: &'static str,
    pub login_required: &'static str,

    pub home_title: &'static str,
    pub home_open: &'static str,
    pub home_overdue: &'static str,
    pub home_due_soon: &'static str,
    pub home_flagged: &'static str,
    pub home_unread: &'static str,
    pub home_mine_open: &'static str,
    pub home_see_queue: &'static str,

    pub queue_title: &'static str,
    pub filter_scope: &'static str,
    pub filter_station: &'static str,
    pub filter_status: &'static str,
    pub filter_overdue: &'static str,
    pub filter_q: &'static str,
    pub filter_sort: &'static str,
    pub filter_any: &'static str,
    pub filter_apply: &'static str,
    pub filter_reset: &'static str,
    pub overdue_only: &'static str,
    pub overdue_none: &'static str,
    pub sort_newest: &'static str,
    pub sort_deadline: &'static str,
    pub next_page: &'static str,
    pub first_page: &'static str,
    pub queue_empty: &'static str,

    pub col_number: &'static str,
    pub col_title: &'static str,
    pub col_status: &'static str,
    pub col_station: &'static str,
    pub col_category: &'static str,
    pub col_resolve_by: &'static str,
    pub col_created: &'static str,
    pub tag_overdue: &'static str,
    pub tag_flagged: &'static str,
    pub tag_escalated: &'static str,

    pub case_back: &'static str,
    pub case_details: &'static str,
    pub case_content: &'static str,
    pub case_location: &'static str,
    pub case_resident: &'static str,
    pub case_anonymous: &'static str,
    pub case_contact: &'static str,
    pub case_respond_by: &'static str,
    pub case_rating: &'static str,
    pub case_photos: &'static str,
    pub case_timeline: &'static str,
    pub case_internal: &'static str,
    pub case_steps: &'static str,
    pub case_no_steps: &'static str,
    pub case_changed: &'static str,
    pub case_refused: &'static str,
    pub case_done: &'static str,
    pub none: &'static str,

    pub field_reason: &'static str,
    pub field_content: &'static str,
    pub field_note: &'static str,
    pub field_summary: &'static str,
    pub field_department: &'static str,
    pub field_resolve_by: &'static str,
    pub field_resolve_by_hint: &'static str,
    pub field_deputy: &'static str,
    pub choose: &'static str,

    pub stations_title: &'static str,
    pub stations_empty: &'static str,
    pub col_name: &'static str,
    pub col_address: &'static str,
    pub col_opening_hours: &'static str,
    pub stations_roster: &'static str,
    pub stations_poster: &'static str,

    pub roster_title: &'static str,
    pub roster_week: &'static str,
    pub roster_prev: &'static str,
    pub roster_this_week: &'static str,
    pub roster_next: &'static str,
    pub roster_deputy: &'static str,
    pub roster_starts: &'static str,
    pub roster_ends: &'static str,
    pub roster_save: &'static str,
    pub roster_remove: &'static str,
    pub roster_add: &'static str,
    pub roster_empty_day: &'static str,
    pub roster_no_deputies: &'static str,
    /// Monday first, as the grid's columns.
    pub weekdays: [&'static str; 7],

    pub error_back: &'static str,
    pub error_csrf: &'static str,
    pub error_not_found: &'static str,
    pub error_forbidden: &'static str,
    pub error_conflict: &'static str,
    pub error_rate_limited: &'static str,
    pub error_unavailable: &'static str,
    pub error_internal: &'static str,
    pub error_bad_request: &'static str,

    // Station poster
    pub poster_title: &'static str,
    pub poster_print: &'static str,
    pub poster_png: &'static str,
    pub poster_heading: &'static str,
    pub poster_caption: &'static str,
    pub poster_deputies: &'static str,
    pub poster_print_hint: &'static str,
    pub poster_back: &'static str,
    pub poster_font_missing: &'static str,

    // Public station page
    pub public_app_name: &'static str,
    pub public_address: &'static str,
    pub public_opening_hours: &'static str,
    pub public_on_duty: &'static str,
    pub public_nobody_on_duty: &'static str,
    pub public_deputies: &'static str,
    pub public_no_deputies: &'static str,
    pub public_office_hours: &'static str,
    pub public_open: &'static str,
    pub public_open_hint: &'static str,
    pub public_scan_hint: &'static str,
}

/// Simplified Chinese, the console's language.
pub static ZH_CN: Messages = Messages {
    lang: "zh-CN",
    app_name: "码上说事 · 工作台",
    nav_label: "主导航",
    nav_home: "首页",
    nav_queue: "诉求队列",
    nav_stations: "联络站",
    logout: "退出登录",
    skip_to_content: "跳到正文",

    login_title: "工作人员登录",
    login_intro: "站长、代表、承办单位和县人大工作人员请用手机号和密码登录。",
    phone: "手机号",
    password: "密码",
    login_submit: "登录",
    login_wrong: "手机号或密码错误。",
    login_resident: "群众请使用“码上说事”微信小程序，工作台仅供工作人员登录。",
    login_expired: "登录已过期，请重新登录。",
    login_logged_out: "您已退出登录。",
    login_required: "请先登录。",

    home_title: "首页",
    home_open: "办理中",
    home_overdue: "已超期",
    home_due_soon: "24小时内到期",
    home_flagged: "待审核",
    home_unread: "未读通知",
    home_mine_open: "我的办理中诉求",
    home_see_queue: "查看全部",

    queue_title: "诉求队列",
    filter_scope: "范围",
    filter_station: "联络站",
    filter_status: "状态",
    filter_overdue: "超期",
    filter_q: "关键词",
    filter_sort: "排序",
    filter_any: "全部",
    filter_apply: "筛选",
    filter_reset: "清除",
    overdue_only: "仅超期",
    overdue_none: "未超期",
    sort_newest: "最新提交",
    sort_deadline: "最近到期",
    next_page: "下一页",
    first_page: "回到第一页",
    queue_empty: "没有符合条件的诉求。",

    col_number: "受理编号",
    col_title: "标题",
    col_status: "状态",
    col_station: "联络站",
    col_category: "分类",
    col_resolve_by: "办结时限",
    col_created: "提交时间",
    tag_overdue: "超期",
    tag_flagged: "待审核",
    tag_escalated: "已上报",

    case_back: "返回队列",
    case_details: "诉求详情",
    case_content: "内容",
    case_location: "地点",
    case_resident: "反映人",
    case_anonymous: "匿名",
    case_contact: "联系电话",
    case_respond_by: "响应时限",
    case_rating: "满意度",
    case_photos: "照片",
    case_timeline: "办理记录",
    case_internal: "内部",
    case_steps: "办理",
    case_no_steps: "当前没有您可以办理的步骤。",
    case_changed: "这件诉求刚被他人处理过，以下是最新状态，请确认后再操作。",
    case_refused: "这件诉求的当前状态不允许这一步，以下是最新状态。",
    case_done: "已保存。",
    none: "—",

    field_reason: "不予受理的理由及应走的渠道",
    field_content: "内容",
    field_note: "说明",
    field_summary: "办结情况",
    field_department: "承办单位",
    field_resolve_by: "办结时限（可不填）",
    field_resolve_by_hint: "格式 2026-12-31",
    field_deputy: "改由代表",
    choose: "请选择",

    stations_title: "联络站",
    stations_empty: "没有由您管理的联络站。",
    col_name: "名称",
    col_address: "地址",
    col_opening_hours: "开放时间",
    stations_roster: "值班表",
    stations_poster: "海报",

    roster_title: "值班表",
    roster_week: "周",
    roster_prev: "上一周",
    roster_this_week: "本周",
    roster_next: "下一周",
    roster_deputy: "代表",
    roster_starts: "开始",
    roster_ends: "结束",
    roster_save: "保存",
    roster_remove: "删除",
    roster_add: "添加班次",
    roster_empty_day: "无人值班",
    roster_no_deputies: "本联络站还没有代表，先为联络站添加代表后再排班。",
    weekdays: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],

    error_back: "返回首页",
    error_csrf: "页面已失效（安全校验未通过），请返回刷新后再提交。您填写的内容未被保存。",
    error_not_found: "没有找到这个页面，或您无权查看。",
    error_forbidden: "您的角色不能进行这项操作。",
    error_conflict: "操作与当前状态冲突，请刷新后再试。",
    error_rate_limited: "尝试次数过多，请稍后再试。",
    error_unavailable: "服务暂时不可用，请稍后再试。",
    error_internal: "系统出了点问题，我们已记录，请稍后再试。",
    error_bad_request: "请求无效。",

    // Station poster
    poster_title: "联络站海报",
    poster_print: "打印页",
    poster_png: "PNG图片",
    poster_heading: "码上说事",
    poster_caption: "微信扫一扫，向人大代表反映问题",
    poster_deputies: "进站代表",
    poster_print_hint: "用浏览器的“打印”（Ctrl+P）打印本页，纸张选A4、纵向。",
    poster_back: "返回联络站",
    poster_font_missing: "海报字体未安装，暂时无法生成PNG图片（打印页仍可使用）。请系统管理员安装字体或修改设置：",

    // Public station page
    public_app_name: "码上说事",
    public_address: "地址",
    public_opening_hours: "开放时间",
    public_on_duty: "现在在岗的代表",
    public_nobody_on_duty: "现在没有代表在岗，您反映的问题由联络站转交代表办理。",
    public_deputies: "进站代表",
    public_no_deputies: "本站暂无进站代表。",
    public_office_hours: "接待时间",
    public_open: "打开“码上说事”小程序",
    public_open_hint: "在小程序里向本站代表反映问题，随时查看办理进度。",
    public_scan_hint: "请用微信“扫一扫”扫描联络站张贴的二维码，在“码上说事”小程序里向本站代表反映问题，随时查看办理进度。",
};

impl Messages {
    /// The catalogue of the language the console speaks.
    pub fn current() -> &'static Messages {
        &ZH_CN
    }

    pub fn status(&self, status: &str) -> &'static str {
        match status {
            "submitted" => "待受理",
            "accepted" => "已受理",
            "assigned" => "已交办",
            "handled" => "已承办",
            "resolved" => "已办结",
            "closed" => "已关闭",
            "declined" => "不予受理",
            _ => "未知",
        }
    }

    pub fn role(&self, role: &str) -> &'static str {
        match role {
            "resident" => "群众",
            "deputy" => "人大代表",
            "station_admin" => "站长",
            "handler" => "承办单位",
            "county_admin" => "县人大常委会",
            "system" => "系统",
            _ => "未知",
        }
    }

    pub fn event(&self, kind: &str) -> &'static str {
        match kind {
            "submitted" => "提交诉求",
            "accepted" => "受理",
            "declined" => "不予受理",
            "replied" => "答复",
            "assigned" => "交办",
            "handled" => "承办反馈",
            "urged" => "督办",
            "reassigned" => "改派",
            "noted" => "内部备注",
            "resolved" => "办结",
            "rated" => "满意度测评",
            "reopened" => "重新交办",
            "escalated" => "上报县人大",
            "closed" => "关闭",
            "overdue" => "超期",
            _ => "其他",
        }
    }

    pub fn rating(&self, rating: &str) -> &'static str {
        match rating {
            "satisfied" => "满意",
            "basically_satisfied" => "基本满意",
            "unsatisfied" => "不满意",
            _ => "未知",
        }
    }

    pub fn scope(&self, scope: &str) -> &'static str {
        match scope {
            "mine" => "我的",
            "assigned" => "交给我的",
            "station" => "某联络站",
            _ => "全部",
        }
    }

    /// The name of a step as its button says it.
    pub fn step(&self, step: &str) -> &'static str {
        match step {
            "accept" => "受理",
            "decline" => "不予受理",
            "reply" => "答复群众",
            "assign" => "交办承办单位",
            "handle" => "承办反馈",
            "urge" => "督办",
            "reassign" => "改派代表",
            "note" => "内部备注",
            "resolve" => "办结",
            _ => "办理",
        }
    }

    /// A deputy's level (五级代表) as residents say it.
    pub fn deputy_level(&self, level: &str) -> &'static str {
        match level {
            "national" => "全国人大代表",
            "provincial" => "省人大代表",
            "city" => "市人大代表",
            "county" => "县人大代表",
            "township" => "乡镇人大代表",
            _ => "人大代表",
        }
    }

    /// What a field error of `code` means, said to the person who typed it.
    pub fn field_error(&self, code: &str) -> &'static str {
        match code {
            "too_short" | "required" => "请填写此项。",
            "too_long" => "内容过长，请精简。",
            "invalid_characters" => "含有不允许的字符。",
            "invalid_phone" => "请输入11位手机号。",
            "unknown" | "unknown_value" => "请从列表中选择。",
            "not_at_station" => "这位代表不在本联络站。",
            "unchanged" => "诉求已在这位代表处。",
            "in_past" => "时限须晚于现在。",
            "invalid_date" => "请按 2026-12-31 的格式填写日期。",
            "invalid_cursor" => "分页已失效，请回到第一页。",
            "out_of_range" => "每页条数须在1到100之间。",
            "content_rejected" => "内容未通过审核，请修改后再提交。",
            "overlapping_shift" => "这位代表在这个时段已有班次。",
            "before_start" => "结束时间须晚于开始时间。",
            "outside_period" => "班次须在本周之内。",
            "invalid_time" => "请按 09:00 的格式填写时间。",
            "too_many" => "班次过多，请分周排班。",
            _ => "此项无效。",
        }
    }

    /// What an error page says for `status`.
    pub fn error_for(&self, status: StatusCode) -> &'static str {
        match status {
            StatusCode::NOT_FOUND => self.error_not_found,
            StatusCode::FORBIDDEN => self.error_forbidden,
            StatusCode::CONFLICT => self.error_conflict,
            StatusCode::TOO_MANY_REQUESTS => self.error_rate_limited,
            StatusCode::SERVICE_UNAVAILABLE => self.error_unavailable,
            s if s.is_server_error() => self.error_internal,
            _ => self.error_bad_request,
        }
    }
}
