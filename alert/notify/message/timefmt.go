package message

import (
	"fmt"
	"time"

	"github.com/yuqing/yuqing/model"
)

// Beijing returns Asia/Shanghai, or a fixed UTC+8 zone when the system has
// no zone data (China has kept UTC+8 without summer time since 1991).
func Beijing() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}

// FormatTime shows t in loc the way officers write it: "3月2日 16:00".
func FormatTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("1月2日 15:04")
}

// DeadlineLine renders one deadline: what is owed, by when, and how much
// time is left or how late it is — or when it was met.
func DeadlineLine(d model.Deadline, now time.Time, loc *time.Location) string {
	name := orDefault(d.Name, d.Kind)
	if !d.MetAt.IsZero() {
		late := ""
		if d.MetAt.After(d.Due) {
			late = "，超时 " + FormatDuration(d.MetAt.Sub(d.Due))
		}
		return fmt.Sprintf("%s：已于 %s 完成%s", name, FormatTime(d.MetAt, loc), late)
	}
	left := d.Due.Sub(now)
	state := "剩余 " + FormatDuration(left)
	if left <= 0 {
		state = "已超时 " + FormatDuration(-left)
	}
	return fmt.Sprintf("%s：%s 前（%s）", name, FormatTime(d.Due, loc), state)
}

// FormatDuration writes a span in Chinese at a precision an officer needs:
// "2天3小时", "4小时30分", "25分钟", "不足1分钟".
func FormatDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	minutes := int(d % time.Hour / time.Minute)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d天%d小时", days, hours)
	case days > 0:
		return fmt.Sprintf("%d天", days)
	case hours > 0 && minutes > 0:
		return fmt.Sprintf("%d小时%d分", hours, minutes)
	case hours > 0:
		return fmt.Sprintf("%d小时", hours)
	case minutes > 0:
		return fmt.Sprintf("%d分钟", minutes)
	}
	return "不足1分钟"
}
