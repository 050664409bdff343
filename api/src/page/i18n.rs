//! The consumer page's words in simplified Chinese, traditional Chinese and English. The
//! same table is embedded in the page for its script, so the server's rendering and the
//! browser's check of it use one vocabulary.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Hans,
    Hant,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Hans, Lang::Hant, Lang::En];
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Hans => "zh-Hans",
            Lang::Hant => "zh-Hant",
            Lang::En => "en",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Lang::Hans => "简体中文",
            Lang::Hant => "繁體中文",
            Lang::En => "English",
        }
    }
    pub fn from_tag(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh-hant")
            || s.starts_with("zh-tw")
            || s.starts_with("zh-hk")
            || s.starts_with("zh-mo")
        {
            Some(Lang::Hant)
        } else if s.starts_with("zh") {
            Some(Lang::Hans)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
    /// Picks a language from `?lang=` or else Accept-Language (first supported tag).
    pub fn negotiate(query: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(l) = query.and_then(Lang::from_tag) {
            return l;
        }
        if let Some(al) = accept_language {
            for part in al.split(',') {
                if let Some(l) = Lang::from_tag(part.split(';').next().unwrap_or("")) {
                    return l;
                }
            }
        }
        Lang::Hans
    }
    fn col(self) -> usize {
        match self {
            Lang::Hans => 0,
            Lang::Hant => 1,
            Lang::En => 2,
        }
    }
}

/// (key, 简体, 繁體, English)
pub const WORDS: &[(&str, &str, &str, &str)] = &[
    ("title", "溯源", "溯源", "Suyuan trace"),
    ("item", "商品标识", "商品標識", "Item"),
    ("gtin", "GTIN", "GTIN", "GTIN"),
    ("lot", "批次", "批次", "Lot"),
    ("serial", "序列号", "序號", "Serial"),
    ("sscc", "物流单元 SSCC", "物流單元 SSCC", "Logistic unit SSCC"),
    ("story", "这件商品的经历", "這件商品的經歷", "This item's story"),
    ("sec.origin", "产地与生产", "產地與生產", "Origin and production"),
    ("sec.tests", "质量检测", "品質檢驗", "Quality tests"),
    ("sec.trade", "订单与支付", "訂單與支付", "Order and payment"),
    ("sec.clearance", "海关通关", "海關通關", "Customs clearance"),
    ("sec.logistics", "物流轨迹", "物流軌跡", "Logistics timeline"),
    ("sec.reviews", "评价与投诉", "評價與投訴", "Reviews and complaints"),
    ("sec.recall", "召回", "召回", "Recall"),
    ("sec.other", "其他记录", "其他紀錄", "Other records"),
    ("sec.log", "账本与验证", "帳本與驗證", "Ledger and verification"),
    ("sec.contents", "内含物品", "內含物品", "Contents"),
    ("contents.in", "目前在内", "目前在內", "Inside now"),
    ("contents.out", "已拆出", "已拆出", "Unpacked since"),
    ("contents.none", "目前没有记录在内的物品", "目前沒有記錄在內的物品", "Nothing is recorded as inside it now"),
    ("container.title", "包裹或托盘", "包裹或棧板", "Parcel or pallet"),
    ("status.h", "商品状态", "商品狀態", "Product status"),
    ("status.clear", "未发现已知问题", "未發現已知問題", "No known problem"),
    ("status.clear_detail", "账本中没有这件商品的召回或不合格检测记录。", "帳本中沒有這件商品的召回或不合格檢驗紀錄。", "The ledger records no recall and no failed test for this item."),
    ("f.product", "产品", "產品", "Product"),
    ("f.origin", "产地", "產地", "Origin"),
    ("f.facility", "工厂", "工廠", "Facility"),
    ("f.producer", "生产者", "生產者", "Producer"),
    ("f.produced", "生产日期", "生產日期", "Produced"),
    ("f.expiry", "保质期至", "保存期限至", "Best before"),
    ("f.quantity", "数量", "數量", "Quantity"),
    ("f.place", "地点", "地點", "Place"),
    ("f.country", "国家/地区", "國家/地區", "Country"),
    ("f.lab", "检测机构", "檢驗機構", "Laboratory"),
    ("f.accreditation", "资质认可", "認證資格", "Accreditation"),
    ("f.standard", "检测标准", "檢驗標準", "Standard"),
    ("f.sample", "样品", "樣品", "Sample"),
    ("f.report", "报告编号", "報告編號", "Report no."),
    ("f.verdict", "结论", "結論", "Verdict"),
    ("f.analyte", "检测项目", "檢驗項目", "Analyte"),
    ("f.value", "结果", "結果", "Result"),
    ("f.limit", "限量", "限量", "Limit"),
    ("f.unit", "单位", "單位", "Unit"),
    ("f.acceptance", "检验检疫机构采信", "檢驗機構採信", "Accepted by the inspection authority"),
    ("f.decision", "决定", "決定", "Decision"),
    ("f.basis", "依据", "依據", "Basis"),
    ("f.order", "订单号", "訂單號", "Order no."),
    ("f.trade_mode", "贸易方式", "貿易方式", "Trade mode"),
    ("f.total", "订单总额", "訂單總額", "Order total"),
    ("f.payment", "支付单号", "支付單號", "Payment no."),
    ("f.amount", "金额", "金額", "Amount"),
    ("f.status", "状态", "狀態", "Status"),
    ("f.declaration", "报关单号", "報關單號", "Declaration no."),
    ("f.office", "海关", "海關", "Customs office"),
    ("f.direction", "进出口", "進出口", "Direction"),
    ("f.hs", "商品编码", "商品編碼", "HS code"),
    ("f.note", "备注", "備註", "Note"),
    ("f.waybill", "运单号", "運單號", "Waybill"),
    ("f.mode", "运输方式", "運輸方式", "Mode"),
    ("f.temperature", "温度", "溫度", "Temperature"),
    ("f.container", "装入", "裝入", "Packed into"),
    ("f.unpacked_from", "拆出自", "拆出自", "Unpacked from"),
    ("f.items", "物品", "物品", "Items"),
    ("f.results", "检测结果", "檢驗結果", "Test results"),
    ("exceeds", "✗ 超过限量", "✗ 超過限量", "✗ exceeds limit"),
    ("loq.note", "<：未检出（低于定量限）", "<：未檢出（低於定量極限）", "<: not detected (below the limit of quantification)"),
    ("f.rating", "评分", "評分", "Rating"),
    ("f.text", "内容", "內容", "Text"),
    ("f.kind", "类型", "類型", "Kind"),
    ("f.reason", "原因", "原因", "Reason"),
    ("f.severity", "级别", "級別", "Severity"),
    ("f.notice", "公告编号", "公告編號", "Notice no."),
    ("f.action", "措施", "措施", "Action"),
    ("f.explanation", "说明", "說明", "Explanation"),
    ("f.signer", "签名方", "簽署方", "Signed by"),
    ("f.recorded", "记账时间", "記帳時間", "Recorded"),
    ("f.via", "关联", "關聯", "Reached via"),
    ("f.subject", "对象", "對象", "Subject"),
    ("via.lot", "所属批次", "所屬批次", "its lot"),
    ("via.container", "所在包裹/托盘", "所在包裹/棧板", "its parcel or pallet"),
    ("via.order", "所属订单", "所屬訂單", "its order"),
    ("corrected", "已被更正声明为错误记录", "已被更正聲明為錯誤紀錄", "declared in error by a correction"),
    ("alert.recall", "召回警示：该批次已被召回，请勿食用或使用", "召回警示：該批次已被召回，請勿食用或使用", "RECALL: this lot has been recalled. Do not consume or use it"),
    ("alert.fail", "警示：该批次检测不合格", "警示：該批次檢驗不合格", "WARNING: a quality test of this lot FAILED"),
    ("alert.do.recall", "请立即停止食用或使用。可联系卖家退货，获得全额退款；在途包裹不予放行。", "請立即停止食用或使用。可聯繫賣家退貨，獲得全額退款；在途包裹不予放行。", "Stop using it now. Return it to the seller for a full refund; parcels not yet released are held."),
    ("alert.do.fail", "在监管部门作出处理前请勿食用或使用；可联系卖家退货退款。", "在主管機關作出處理前請勿食用或使用；可聯繫賣家退貨退款。", "Do not consume or use it until the authorities decide; you may return it to the seller for a refund."),
    ("alert.corrected", "（此记录已被更正声明为错误）", "（此紀錄已被更正聲明為錯誤）", "(this record was declared in error)"),
    ("none", "暂无记录", "暫無紀錄", "No records"),
    ("v.title", "记录核验（在你的浏览器内）", "紀錄核驗（在您的瀏覽器內）", "Record check (in your browser)"),
    // Between a headline and what follows it.
    ("sep", "：", "：", ": "),
    ("v.pending", "尚未验证", "尚未驗證", "Not verified yet"),
    ("v.checking", "正在用浏览器自带的密码学功能验证……", "正在用瀏覽器內建的密碼學功能驗證……", "Checking with your browser's own cryptography…"),
    ("v.verified", "记录已验证", "紀錄已驗證", "Records verified"),
    ("v.failed", "验证失败", "驗證失敗", "Verification FAILED"),
    ("v.failed_do", "无法证明本页显示的就是签名的记录，请勿依赖本页内容。", "無法證明本頁顯示的就是簽章的紀錄，請勿依賴本頁內容。", "this page could not be proven to show the signed records: do not rely on it."),
    ("v.unsupported", "无法验证", "無法驗證", "Cannot verify"),
    ("v.noscript", "验证需要启用 JavaScript。以下内容仍可阅读，但尚未验证；也可以用命令 suyuan verify --server 离线验证。", "驗證需要啟用 JavaScript。以下內容仍可閱讀，但尚未驗證；也可以用命令 suyuan verify --server 離線驗證。", "Verification needs JavaScript. The story below is readable but not verified; you can also verify it offline with suyuan verify --server."),
    // {n}, {k} and {log} are filled in by the script from what it verified.
    ("v.ok_detail", "这 {n} 条记录真实、未被篡改：每条都由记录它的登记方签名（共 {k} 方），全部收录于账本 {log}，其签名与本页固定的账本公钥相符，且没有记录被略去。", "這 {n} 筆紀錄真實、未經竄改：每筆都由記錄它的登記方簽署（共 {k} 方），全部收錄於帳本 {log}，其簽章與本頁固定的帳本公鑰相符，且沒有紀錄被略去。", "these {n} records are authentic and unaltered: each is signed by the registered party that recorded it ({k} parties), all are in log {log}, signed with the log key pinned in this page, and none is left out."),
    ("v.scope", "这项核验说明记录由谁签名、有没有被改动或略去，并不说明商品本身是否合格；商品状态见页面顶部。", "這項核驗說明紀錄由誰簽署、有沒有遭竄改或略去，並不說明商品本身是否合格；商品狀態見頁面頂端。", "This checks who signed these records and that none was altered or left out, not whether the product is safe: its status is at the top of the page."),
    ("v.entry_ok", "已验证", "已驗證", "verified"),
    ("v.entry_bad", "未通过", "未通過", "failed"),
    ("v.newer", "此页面生成后账本中又有新记录，刷新可查看", "此頁面產生後帳本中又有新紀錄，重新整理可查看", "newer entries were recorded after this page was made; reload to see them"),
    ("log.origin", "账本", "帳本", "Log"),
    ("log.size", "检查点记录数", "檢查點紀錄數", "Checkpoint size"),
    ("log.root", "根哈希", "根雜湊", "Root hash"),
    ("log.key", "固定的账本公钥", "固定的帳本公鑰", "Pinned log key"),
    ("links", "数据", "資料", "Data"),
    ("link.history", "历史 JSON（含证明）", "歷史 JSON（含證明）", "History JSON with proofs"),
    ("link.bundle", "证据包", "證據包", "Evidence bundle"),
    ("link.qr", "二维码", "QR 碼", "QR code"),
    ("nf.title", "未找到该商品", "找不到該商品", "Item not found"),
    ("nf.body", "账本中没有这件商品的任何记录。请核对二维码或商品编号。", "帳本中沒有這件商品的任何紀錄。請核對 QR 碼或商品編號。", "The ledger has no record of this item. Check the QR code or the item number."),
    ("bad.title", "无效的商品链接", "無效的商品連結", "Not a valid item link"),
    ("home.lead", "扫描商品上的二维码，或输入 GS1 数字链接路径，查看经过签名和默克尔证明的商品经历。", "掃描商品上的 QR 碼，或輸入 GS1 數位連結路徑，查看經過簽章和默克爾證明的商品經歷。", "Scan the QR code on a product, or enter a GS1 Digital Link path, to see its signed, Merkle-proven story."),
    ("home.go", "查看", "查看", "Show"),
    // Event types
    ("type.registration", "登记", "登記", "Registration"),
    ("type.production", "生产", "生產", "Production"),
    ("type.inspection", "检测", "檢驗", "Inspection"),
    ("type.acceptance", "采信", "採信", "Acceptance"),
    ("type.trade", "订单", "訂單", "Order"),
    ("type.payment", "支付", "支付", "Payment"),
    ("type.logistics", "物流", "物流", "Logistics"),
    ("type.clearance", "通关", "通關", "Clearance"),
    ("type.review", "评价", "評價", "Review"),
    ("type.recall", "召回", "召回", "Recall"),
    ("type.correction", "更正", "更正", "Correction"),
    // Enumerated values, keyed by field name and value
    ("verdict.pass", "合格", "合格", "pass"),
    ("verdict.fail", "不合格", "不合格", "FAIL"),
    ("verdict.inconclusive", "无法判定", "無法判定", "inconclusive"),
    ("decision.accepted", "采信", "採信", "accepted"),
    ("decision.rejected", "不予采信", "不予採信", "rejected"),
    ("payment_status.paid", "已支付", "已支付", "paid"),
    ("payment_status.refunded", "已退款", "已退款", "refunded"),
    ("logistics_status.packed", "装箱", "裝箱", "packed"),
    ("logistics_status.unpacked", "拆箱", "拆箱", "unpacked"),
    ("logistics_status.picked_up", "揽收", "攬收", "picked up"),
    ("logistics_status.departed", "启运", "啟運", "departed"),
    ("logistics_status.in_transit", "运输中", "運輸中", "in transit"),
    ("logistics_status.arrived", "到达", "抵達", "arrived"),
    ("logistics_status.stored", "入库", "入庫", "stored"),
    ("logistics_status.out_for_delivery", "派送中", "配送中", "out for delivery"),
    ("logistics_status.delivered", "已签收", "已簽收", "delivered"),
    ("logistics_status.returned", "退回", "退回", "returned"),
    ("logistics_status.exception", "异常", "異常", "exception"),
    // A packing's or unpacking's card is named by its status.
    ("step.packed", "装箱", "裝箱", "Packing"),
    ("step.unpacked", "拆箱", "拆箱", "Unpacking"),
    // A result whose value is a limit of quantification.
    ("loq.true", "<", "<", "<"),
    ("mode.sea", "海运", "海運", "sea"),
    ("mode.air", "空运", "空運", "air"),
    ("mode.road", "公路", "公路", "road"),
    ("mode.rail", "铁路", "鐵路", "rail"),
    ("mode.express", "快递", "快遞", "express"),
    ("clearance_status.declared", "已申报", "已申報", "declared"),
    ("clearance_status.inspected", "查验", "查驗", "inspected"),
    ("clearance_status.released", "放行", "放行", "released"),
    ("clearance_status.held", "扣留", "扣留", "held"),
    ("clearance_status.rejected", "退运/拒绝入境", "退運/拒絕入境", "rejected"),
    ("direction.import", "进口", "進口", "import"),
    ("direction.export", "出口", "出口", "export"),
    ("review_kind.rating", "评分", "評分", "rating"),
    ("review_kind.complaint", "投诉", "投訴", "complaint"),
    ("review_kind.mediation", "调解", "調解", "mediation"),
    ("review_kind.resolution", "处理结果", "處理結果", "resolution"),
    ("severity.class_i", "一级（最严重）", "一級（最嚴重）", "class I (most serious)"),
    ("severity.class_ii", "二级", "二級", "class II"),
    ("severity.class_iii", "三级", "三級", "class III"),
    ("correction_reason.did_not_occur", "未发生", "未發生", "did not occur"),
    ("correction_reason.incorrect_data", "数据有误", "資料有誤", "incorrect data"),
    ("trade_mode.9610", "9610 跨境电商零售", "9610 跨境電商零售", "9610 cross-border e-commerce retail"),
    ("trade_mode.9710", "9710 跨境电商B2B直接出口", "9710 跨境電商B2B直接出口", "9710 cross-border B2B direct export"),
    ("trade_mode.9810", "9810 跨境电商出口海外仓", "9810 跨境電商出口海外倉", "9810 export to overseas warehouse"),
    ("trade_mode.1210", "1210 保税跨境贸易电子商务", "1210 保稅跨境貿易電子商務", "1210 bonded cross-border e-commerce"),
    ("trade_mode.0110", "0110 一般贸易", "0110 一般貿易", "0110 general trade"),
    ("uom.CEL", "°C", "°C", "°C"),
    ("uom.H87", "件", "件", "pieces"),
    ("uom.KGM", "千克", "公斤", "kg"),
    ("uom.P1", "%", "%", "%"),
    ("yes", "是", "是", "yes"),
    // Verification failure messages (the technical details after them are in English,
    // or language-neutral where they compare what is shown with what is signed)
    ("e.fetch", "无法获取证据包", "無法取得證據包", "could not load the evidence"),
    ("e.key", "固定的账本公钥无效", "固定的帳本公鑰無效", "the pinned log key is invalid"),
    ("e.checkpoint", "检查点签名无效", "檢查點簽章無效", "the checkpoint signature does not verify"),
    ("e.inclusion", "包含证明不成立", "包含證明不成立", "the inclusion proof fails"),
    ("e.signature", "记录签名无效", "紀錄簽章無效", "the entry's signature does not verify"),
    ("e.weak_key", "签名或登记的公钥不合规（弱密钥或非规范编码）", "簽署或登記的公鑰不合規（弱金鑰或非規範編碼）", "a signing or registered key is refused (weak, mixed-order or not canonical)"),
    ("e.complete", "证据包不完整：账本的链头映射表明有记录被略去", "證據包不完整：帳本的鏈頭映射表明有紀錄被略去", "the evidence is incomplete: the log's head map shows entries left out"),
    ("e.signer", "签名方未获授权", "簽署方未獲授權", "the signer was not entitled to sign it"),
    ("e.shown", "页面显示的内容与签名记录不一致", "頁面顯示的內容與簽章紀錄不一致", "what the page shows differs from the signed entry"),
    ("e.missing", "页面遗漏了一条记录", "頁面遺漏了一筆紀錄", "the page leaves out an entry"),
    ("e.unproven", "页面显示了未经证明的记录", "頁面顯示了未經證明的紀錄", "the page shows an entry that is not proven"),
    ("e.alert", "页面缺少应有的警示", "頁面缺少應有的警示", "the page lacks a warning it must show"),
    ("e.bundle", "证据包格式错误", "證據包格式錯誤", "the evidence is malformed"),
    ("e.item", "页面显示的商品编号不是签名记录所属的商品", "頁面顯示的商品編號不是簽章紀錄所屬的商品", "the item code the page shows is not the one the signed records are about"),
    ("e.status", "页面显示的商品状态与签名记录不符", "頁面顯示的商品狀態與簽章紀錄不符", "the product status the page shows does not follow from the signed records"),
    ("e.contents", "页面列出的内含物品与签名的装箱、拆箱记录不符", "頁面列出的內含物品與簽章的裝箱、拆箱紀錄不符", "the contents the page lists differ from the signed packing and unpacking records"),
    ("e.crypto", "此浏览器不支持 WebCrypto Ed25519 或不是安全连接", "此瀏覽器不支援 WebCrypto Ed25519 或非安全連線", "this browser lacks WebCrypto Ed25519, or the page is not in a secure context"),
];

/// A word in `lang`; empty if there is none (tests.rs holds every key used to a word).
pub fn t(lang: Lang, key: &str) -> &'static str {
    WORDS
        .iter()
        .find(|w| w.0 == key)
        .map(|w| [w.1, w.2, w.3][lang.col()])
        .unwrap_or("")
}

/// The enum label of `value` under `field`, or the value itself.
pub fn label(lang: Lang, field: &str, value: &str) -> String {
    let key = format!("{field}.{value}");
    match WORDS.iter().find(|w| w.0 == key) {
        Some(w) => [w.1, w.2, w.3][lang.col()].to_string(),
        None => value.to_string(),
    }
}

/// The whole table in one language, for the page's script.
pub fn table(lang: Lang) -> serde_json::Map<String, serde_json::Value> {
    WORDS
        .iter()
        .map(|w| {
            (
                w.0.to_string(),
                serde_json::Value::String([w.1, w.2, w.3][lang.col()].into()),
            )
        })
        .collect()
}
