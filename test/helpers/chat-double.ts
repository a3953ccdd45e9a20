/**
 * The group robots' local double, for the tests: runtime/chat-double.ts, which `rectify dev` and
 * the benchmarks share. It implements each platform's documented webhook contract (docs/chat/*.md):
 *   企业微信 https://developer.work.weixin.qq.com/document/path/91770 (消息推送配置说明)
 *   钉钉 https://open.dingtalk.com/document/robots/custom-robot-access and
 *        https://open.dingtalk.com/document/robots/customize-robot-security-settings
 *   飞书 https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
 */
export * from '../../runtime/chat-double';
