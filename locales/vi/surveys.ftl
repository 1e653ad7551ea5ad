# Surveys: answering in chat, and results.

survey-invitation = 📋 { $title }
    { $intro }
    { $questions } câu hỏi, trả lời đến { $time } ngày { $closes }.
survey-join-button = Tham gia
survey-later-button = Để sau
survey-continue-button = Trả lời tiếp
survey-reminder = Bạn chưa trả lời xong khảo sát “{ $title }”. Khảo sát mở đến { $time } ngày { $closes }; bấm để trả lời tiếp từ câu đang dừng.
survey-reminder-new = Khảo sát “{ $title }” đang chờ ý kiến của bạn. Khảo sát mở đến { $time } ngày { $closes }; bấm để bắt đầu trả lời.
survey-later = Vâng. Khi nào rảnh, gõ /surveys để trả lời.
survey-intro = 📋 { $title }
    { $intro }
survey-consent = Khảo sát “{ $title }” hỏi ý kiến về chính sách, pháp luật: theo Luật Bảo vệ dữ liệu cá nhân (Luật số 91/2025/QH15), đây là dữ liệu nhạy cảm. Câu trả lời chỉ dùng để tổng hợp ý kiến. Bạn có đồng ý trả lời không?
survey-consent-yes = Đồng ý
survey-consent-no = Không đồng ý
survey-refused = Vâng, không có câu trả lời nào được lưu. Cảm ơn bạn.
survey-question = Câu { $number }/{ $total }. { $text }
    { $hint }
survey-hint-buttons = (Bấm một nút)
survey-hint-multiple = (Chọn một hoặc nhiều, rồi bấm “Xong”)
survey-hint-number = (Gõ một số { $range })
survey-hint-text = (Gõ câu trả lời, tối đa { $max } ký tự)
survey-option = { $label }
survey-tick = { $ticked ->
        [yes] ✅ { $label }
       *[no] ▫️ { $label }
    }
survey-done-button = Xong
survey-yes = Có
survey-no = Không
survey-back-button = ← Quay lại
survey-skip-button = Bỏ qua
survey-complete = Bạn đã trả lời hết các câu hỏi.
survey-old-button = Nút đó thuộc câu hỏi khác. Mời trả lời câu hiện tại:
survey-required = Câu này cần trả lời.
survey-number-invalid = Chưa đúng: hãy gõ một số nguyên { $range }.
survey-range = { $bounds ->
        [both] từ { $min } đến { $max }
        [min] từ { $min } trở lên
        [max] không quá { $max }
       *[none] bất kỳ
    }
survey-tick-something = Hãy chọn ít nhất một ý rồi bấm “Xong”.
survey-thanks = Cảm ơn bạn đã trả lời khảo sát “{ $title }”. Câu trả lời đã được ghi nhận:
    { $answers }
survey-already = Bạn đã trả lời khảo sát “{ $title }” rồi (mỗi người một lần). Câu trả lời của bạn:
    { $answers }
    Cảm ơn bạn!
survey-answer-line = • { $question } — { $answer }
survey-choices = { $choices }
survey-number = { $value }
survey-skipped = (bỏ qua)
survey-closed = Khảo sát “{ $title }” đã kết thúc hoặc chưa mở.
survey-closed-midway = Khảo sát “{ $title }” đã kết thúc trước khi bạn trả lời xong, nên các câu trả lời dở chưa được tính. Cảm ơn bạn đã quan tâm.
surveys = Khảo sát đang mở:
    { $surveys }
surveys-item = • { $title }{ $answered ->
        [yes] {" "}— đã trả lời
       *[no] {""}
    }
surveys-none = Hiện không có khảo sát nào cho bạn.

results-usage = Cách dùng: /results SỐ_KHẢO_SÁT, ví dụ: /results 3
survey-decimal = { $sign }{ $whole },{ $tenth }
results = Kết quả khảo sát “{ $title }”, { $scope }: { $responded } người trả lời / { $invited } người được mời ({ $percent }%).
    { $questions }
    Theo đơn vị:
    { $units }
results-question = { $question } ({ $answered } người trả lời)
    { $details }
results-count = • { $label }: { $count } ({ $percent }%)
results-numbers = • Thấp nhất { $low }, cao nhất { $high }, trung bình { $mean }
results-text = • “{ $text }”
results-unit = • { $unit }: { $responded }/{ $invited } ({ $percent }%)
results-units-rest = • { $units } đơn vị khác: { $responded }/{ $invited } ({ $percent }%)
results-chart = { $question } ({ $answered } người trả lời)
survey-refused-missing = Không có khảo sát này.
survey-refused-opened = Khảo sát đã mở nên không sửa được câu hỏi; hãy tạo một phiên bản mới thay cho nó.
survey-refused-not-draft = Chỉ mở được khảo sát nháp; khảo sát này { $state ->
        [open] đang mở
       *[closed] đã đóng
    }.
survey-refused-closing-passed = Khảo sát đóng lúc { $closes }, đã qua rồi: hãy đổi thời hạn của khảo sát rồi mở lại.
survey-refused-not-open = Khảo sát không đang mở.
survey-file-toml = { $line ->
        [0] tệp không viết theo mẫu khảo sát (TOML), hoặc thiếu hay thừa một mục.
       *[other] dòng { $line } không viết theo mẫu khảo sát (TOML), hoặc thiếu hay thừa một mục.
    }
survey-file-empty = mục “{ $field }” không được để trống.
survey-file-too-long = mục “{ $field }” quá dài.
survey-file-id = mã “{ $id }” không dùng được: mã câu hỏi và lựa chọn gồm chữ thường không dấu, chữ số hoặc _, tối đa 16 ký tự, không trùng nhau.
survey-file-question = câu hỏi “{ $question }”: { $fault ->
        [options] câu chọn một hoặc chọn nhiều phải có các lựa chọn, các loại câu khác thì không.
        [too-many-options] tối đa { $options } lựa chọn.
        [min-max-kind] chỉ câu hỏi số mới có giá trị nhỏ nhất, lớn nhất.
        [min-above-max] giá trị nhỏ nhất lớn hơn giá trị lớn nhất.
        [max-length-kind] chỉ câu trả lời tự do mới có độ dài tối đa.
       *[max-length-range] độ dài tối đa từ 1 đến { $length } ký tự.
    }
survey-file-show-if = câu hỏi “{ $question }”: điều kiện hiện câu hỏi phải nêu một câu hỏi lựa chọn đứng trước và các lựa chọn của câu đó.
survey-file-times = thời gian viết dạng “YYYY-MM-DD HH:MM” (giờ Việt Nam), khảo sát đóng sau khi mở, và số ngày mở (1 đến 366) chỉ dùng khi không ghi giờ đóng.
survey-file-language = không có ngôn ngữ “{ $code }” (chỉ có vi, en).
survey-file-questions = khảo sát có từ 1 đến { $max } câu hỏi.
survey-file-target-languages = khảo sát gửi đến mọi người ở mọi ngôn ngữ (lời lẽ tự dùng tiếng Việt khi thiếu bản dịch): hãy bỏ mục target.languages.
